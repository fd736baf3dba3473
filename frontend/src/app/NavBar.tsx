import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { NavLink, useNavigate } from 'react-router'
import type { Me } from '../api/types'
import { PERMISSIONS, logout } from '../features/session/api'
import { t } from '../i18n'
import { LOGIN_PATH } from './paths'
import { ThemeToggle } from './ThemeToggle'
import { ZoneToggle } from './ZoneToggle'

/** The pages in the navbar; the administration ones only for admins. */
const LINKS: readonly {
  name: 'executions' | 'overview' | 'workers' | 'queues' | 'schedules' | 'users' | 'audit' | 'settings'
  to: string
  admin?: boolean
}[] = [
  { name: 'executions', to: '/' },
  { name: 'overview', to: '/overview' },
  { name: 'workers', to: '/workers' },
  { name: 'queues', to: '/queues' },
  { name: 'schedules', to: '/schedules' },
  { name: 'users', to: '/users', admin: true },
  { name: 'audit', to: '/audit', admin: true },
  { name: 'settings', to: '/settings' },
]

/** The app's links, the user, the time zone, the theme and Log out; on a phone they fold behind a Menu button. */
export function NavBar({ me }: { me: Me }) {
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [open, setOpen] = useState(false)
  const isAdmin = me.permissions.includes(PERMISSIONS.admin)

  async function signOut() {
    try {
      await logout()
    } finally {
      await navigate(LOGIN_PATH)
      queryClient.clear()
    }
  }

  const close = () => setOpen(false)
  return (
    <header className={open ? 'navbar open' : 'navbar'} data-testid="navbar">
      <span className="brand">{t('app.title')}</span>
      <button
        type="button"
        className="nav-button nav-menu"
        aria-expanded={open}
        aria-controls="nav-menu"
        data-testid="nav-menu"
        onClick={() => setOpen(!open)}
      >
        {t('nav.menu')}
      </button>
      <div className="nav-menu-items" id="nav-menu">
        <nav className="nav-links" aria-label={t('nav.label')}>
          {LINKS.filter((link) => isAdmin || !link.admin).map((link) => (
            <NavLink key={link.name} to={link.to} end={link.to === '/'} data-testid={`nav-${link.name}`} onClick={close}>
              {t(`nav.${link.name}`)}
            </NavLink>
          ))}
        </nav>
        <span className="nav-user" data-testid="nav-user">
          {t('nav.signed_in_as', { username: me.username })}
        </span>
        <ZoneToggle />
        <ThemeToggle />
        <button type="button" className="nav-button" data-testid="nav-logout" onClick={() => void signOut()}>
          {t('nav.logout')}
        </button>
      </div>
    </header>
  )
}
