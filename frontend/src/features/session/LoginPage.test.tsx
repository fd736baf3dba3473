import { fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import { renderPage } from '../../test/render'
import { LoginPage } from './LoginPage'

function signIn(username: string, password: string) {
  fireEvent.change(screen.getByTestId('login-username'), { target: { value: username } })
  fireEvent.change(screen.getByTestId('login-password'), { target: { value: password } })
  fireEvent.click(screen.getByTestId('login-submit'))
}

describe('LoginPage', () => {
  it('signs in and opens the execution list', async () => {
    const calls = mockFetch({
      'POST /login': { body: { access_token: 'x', token_type: 'Bearer', expires_in: 3600, username: 'ann', roles: ['admin'], permissions: [] } },
    })
    renderPage(<LoginPage />, { path: '/login', at: '/login' })
    signIn('ann', 'secret')
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/'))
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/login', body: { username: 'ann', password: 'secret' } })
  })

  it('says so when the credentials are wrong, and stays', async () => {
    mockFetch({ 'POST /login': { status: 401, body: { error: 'invalid_credentials', message: 'no' } } })
    renderPage(<LoginPage />, { path: '/login', at: '/login' })
    signIn('ann', 'wrong')
    expect((await screen.findByTestId('login-error')).textContent).toBe('Wrong username or password.')
    expect(screen.getByTestId('location').textContent).toBe('/login')
  })
})
