import { useQueryClient } from '@tanstack/react-query'
import { NavLink, useNavigate } from 'react-router'
import type { Me } from '../api/types'
import { PERMISSIONS, logout } from '../features/session/api'
import { t } from '../i18n'
import { LOGIN_PATH } from './paths'

export function NavBar({ me }: { me: Me }) {
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const isAdmin = me.permissions.includes(PERMISSIONS.admin)

  async function signOut() {
    try {
      await logout()
    } finally {
      await navigate(LOGIN_PATH)
      queryClient.clear()
    }
  }

  return (
    <header className="navbar" data-testid="navbar">
      <span className="brand">{t('app.title')}</span>
      <nav className="nav-links">
        <NavLink to="/" end data-testid="nav-executions">
          {t('nav.executions')}
        </NavLink>
        <NavLink to="/workers" data-testid="nav-workers">
          {t('nav.workers')}
        </NavLink>
        <NavLink to="/queues" data-testid="nav-queues">
          {t('nav.queues')}
        </NavLink>
        <NavLink to="/schedules" data-testid="nav-schedules">
          {t('nav.schedules')}
        </NavLink>
        {isAdmin && (
          <>
            <NavLink to="/users" data-testid="nav-users">
              {t('nav.users')}
            </NavLink>
            <NavLink to="/audit" data-testid="nav-audit">
              {t('nav.audit')}
            </NavLink>
          </>
        )}
      </nav>
      <span className="nav-user" data-testid="nav-user">
        {t('nav.signed_in_as', { username: me.username })}
      </span>
      <button type="button" data-testid="nav-logout" onClick={() => void signOut()}>
        {t('nav.logout')}
      </button>
    </header>
  )
}
