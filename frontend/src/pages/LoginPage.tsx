import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { errorText, isUnauthorized, login } from '../api/client'
import { ME_KEY } from '../api/session'
import type { Me } from '../api/types'
import { t } from '../i18n'

/** Where to go after signing in: the page that sent the user here, else the execution list. */
function destination(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from
  return typeof from === 'string' && from !== '/login' ? from : '/'
}

export function LoginPage() {
  const navigate = useNavigate()
  const location = useLocation()
  const queryClient = useQueryClient()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setSubmitting(true)
    setError(null)
    try {
      const answer = await login(username, password)
      const me: Me = { username: answer.username, roles: answer.roles, permissions: answer.permissions }
      queryClient.setQueryData(ME_KEY, me)
      await navigate(destination(location.state), { replace: true })
    } catch (failure) {
      setError(isUnauthorized(failure) ? t('login.invalid_credentials') : errorText(failure))
      setSubmitting(false)
    }
  }

  return (
    <main className="login">
      <form className="card login-form" onSubmit={(event) => void submit(event)}>
        <h1>{t('login.title')}</h1>
        <label>
          {t('login.username')}
          <input
            data-testid="login-username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label>
          {t('login.password')}
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error && (
          <p className="banner banner-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" data-testid="login-submit" disabled={submitting}>
          {submitting ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </main>
  )
}
