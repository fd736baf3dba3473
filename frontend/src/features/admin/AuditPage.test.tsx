import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import { FAILED_ID } from '../../test/fixtures'
import { renderPage } from '../../test/render'
import { AuditPage } from './AuditPage'

const AUDIT = 'GET /api/background_tasks/admin/audit'
const ADMIN = { username: 'ada', roles: ['admin'], permissions: ['background_tasks.view', 'background_tasks.admin'] }

function entries() {
  return {
    body: {
      items: [
        { id: 2, at: '2026-01-01T10:00:00Z', username: 'otto', action: 'retry', target: FAILED_ID, detail: 'as x' },
        { id: 1, at: '2026-01-01T09:00:00Z', username: 'ada', action: 'login', target: null, detail: null },
      ],
      total: 2,
      page: 1,
      per_page: 50,
    },
  }
}

describe('AuditPage', () => {
  it('filters by who, action and target from the address and links an execution to its detail', async () => {
    const calls = mockFetch({ [AUDIT]: entries() })
    renderPage(<AuditPage />, { me: ADMIN, path: '/audit', at: '/audit?action=retry' })
    const rows = await screen.findAllByTestId('audit-row')
    expect(new URL(calls[0].url, 'http://x').searchParams.get('action')).toBe('retry')
    expect(within(rows[0]).getByRole('link').getAttribute('href')).toBe(`/${FAILED_ID}`)
    expect(within(rows[1]).queryByRole('link')).toBeNull()
    expect((screen.getByTestId('audit-filter-action') as HTMLInputElement).value).toBe('retry')

    fireEvent.change(screen.getByTestId('audit-filter-username'), { target: { value: 'otto' } })
    fireEvent.click(screen.getByTestId('audit-filter-apply'))
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/audit?username=otto&action=retry'))
    await waitFor(() =>
      expect(Object.fromEntries(new URL(calls.at(-1)!.url, 'http://x').searchParams)).toEqual({
        username: 'otto',
        action: 'retry',
        page: '1',
        per_page: '50',
      }),
    )
  })
})
