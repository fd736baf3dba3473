import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { User } from '../../api/types'
import { mockFetch } from '../../test/fetchMock'
import { renderPage } from '../../test/render'
import { UsersSection } from './UsersSection'

const USERS = '/api/background_tasks/admin/users'
const ADA = { username: 'ada', roles: ['admin'], permissions: ['background_tasks.view', 'background_tasks.admin'] }

function user(id: string, username: string, roles: string[]): User {
  return { id, username, roles, disabled: false, created_at: '2026-01-01T10:00:00Z' }
}

function routes(patch: { status?: number; body: unknown }) {
  return {
    [`GET ${USERS}`]: { body: { items: [user('1', 'ada', ['admin']), user('2', 'vera', ['viewer'])] } },
    'GET /api/background_tasks/admin/roles': {
      body: { items: ['viewer', 'operator', 'admin'].map((name) => ({ name, permissions: [] })) },
    },
    [`PATCH ${USERS}/2`]: patch,
    [`PATCH ${USERS}/1`]: patch,
  }
}

async function row(username: string) {
  const rows = await screen.findAllByTestId('user-row')
  return rows.find((candidate) => candidate.dataset.username === username)!
}

describe('UsersSection', () => {
  it('edits a user: new roles, and a new password only when one is typed', async () => {
    const calls = mockFetch(routes({ body: user('2', 'vera', ['operator']) }))
    renderPage(<UsersSection />, { me: ADA, path: '/users', at: '/users' })
    fireEvent.click(within(await row('vera')).getByTestId('user-edit'))
    const form = screen.getByTestId('user-edit-form')
    fireEvent.click(await within(form).findByLabelText('operator'))
    fireEvent.click(within(form).getByLabelText('viewer'))
    fireEvent.click(within(form).getByTestId('user-edit-save'))
    await waitFor(() => expect(calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([
      { roles: ['operator'] },
    ]))
    expect(await screen.findByText('User vera updated.')).toBeTruthy()
    await waitFor(() => expect(screen.queryByTestId('user-edit-form')).toBeNull())

    fireEvent.click(within(await row('vera')).getByTestId('user-edit'))
    fireEvent.change(screen.getByTestId('user-edit-password'), { target: { value: 'a-new-secret-1' } })
    fireEvent.click(screen.getByTestId('user-edit-save'))
    await waitFor(() => expect(calls.filter((call) => call.method === 'PATCH').at(-1)!.body).toEqual({
      roles: ['viewer'],
      password: 'a-new-secret-1',
    }))
  })

  it('offers no disable or delete of the own account, and shows a refused demotion next to the roles', async () => {
    mockFetch(
      routes({ status: 409, body: { error: 'last_admin', message: 'no enabled administrator would be left' } }),
    )
    renderPage(<UsersSection />, { me: ADA, path: '/users', at: '/users' })
    const own = await row('ada')
    expect((within(own).getByTestId('user-toggle') as HTMLButtonElement).disabled).toBe(true)
    expect((within(own).getByTestId('user-delete') as HTMLButtonElement).disabled).toBe(true)
    expect((within(await row('vera')).getByTestId('user-delete') as HTMLButtonElement).disabled).toBe(false)

    fireEvent.click(within(own).getByTestId('user-edit'))
    const form = screen.getByTestId('user-edit-form')
    fireEvent.click(await within(form).findByLabelText('admin'))
    fireEvent.click(within(form).getByTestId('user-edit-save'))
    expect((await screen.findByTestId('user-edit-roles-error')).textContent).toBe('no enabled administrator would be left')
  })
})
