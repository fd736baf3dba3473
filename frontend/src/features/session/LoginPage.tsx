import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { errorText, isUnauthorized } from '../../api/client'
import type { Me } from '../../api/types'
import { TextField } from '../../components/form/TextField'
import { usePageTitle } from '../../components/usePageTitle'
import { t } from '../../i18n'
import { LOGIN_PATH } from '../../app/paths'
import { login } from './api'
import { sessionKeys } from './queries'

/** Where to go after signing in: the page that sent the user here, else the execution list. */
function destination(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from
  return typeof from === 'string' && from !== LOGIN_PATH ? from : '/'
}

export function LoginPage() {
  const navigate = useNavigate()
  const location = useLocation()
  const queryClient = useQueryClient()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [submitting, setSubmitting] = useState(false)
  usePageTitle(t('login.title'))

  async function submit(event: FormEvent) {
    event.preventDefault()
    setSubmitting(true)
    setError(null)
    try {
      const answer = await login(username, password)
      const me: Me = { username: answer.username, roles: answer.roles, permissions: answer.permissions }
      queryClient.setQueryData(sessionKeys.me, me)
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
        <TextField
          label={t('login.username')}
          testId="login-username"
          autoComplete="username"
          required
          value={username}
          onChange={setUsername}
        />
        <TextField
          label={t('login.password')}
          testId="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
        />
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
