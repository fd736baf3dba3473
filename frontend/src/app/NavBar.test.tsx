import { fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Me } from '../api/types'
import { mockFetch } from '../test/fetchMock'
import { VIEWER, renderPage } from '../test/render'
import { NavBar } from './NavBar'

const ADMIN: Me = {
  username: 'ada',
  roles: ['admin'],
  permissions: ['background_tasks.view', 'background_tasks.manage', 'background_tasks.admin'],
}

describe('NavBar', () => {
  it('hides the administration links from a viewer, and shows the settings (read-only for them)', () => {
    mockFetch({})
    renderPage(<NavBar me={VIEWER} />)
    expect(screen.getByTestId('nav-workers')).toBeTruthy()
    expect(screen.getByTestId('nav-schedules').getAttribute('href')).toBe('/schedules')
    expect(screen.queryByTestId('nav-users')).toBeNull()
    expect(screen.queryByTestId('nav-audit')).toBeNull()
    expect(screen.getByTestId('nav-settings')).toBeTruthy()
    expect(screen.getByTestId('nav-user').textContent).toBe('Signed in as vera')
  })

  it('shows them to an admin', () => {
    mockFetch({})
    renderPage(<NavBar me={ADMIN} />)
    expect(screen.getByTestId('nav-users')).toBeTruthy()
    expect(screen.getByTestId('nav-audit')).toBeTruthy()
  })

  it('logs out and goes to the login', async () => {
    const calls = mockFetch({ 'POST /logout': { status: 204 } })
    renderPage(<NavBar me={VIEWER} />)
    fireEvent.click(screen.getByTestId('nav-logout'))
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/login'))
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual(['POST /logout'])
  })
})
