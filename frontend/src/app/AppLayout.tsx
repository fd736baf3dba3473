import { Outlet } from 'react-router'
import { ErrorMessage } from '../components/ErrorMessage'
import { ToastProvider } from '../components/Toasts'
import { useMe } from '../features/session/queries'
import { t } from '../i18n'
import { NavBar } from './NavBar'

/** Every page but the login: the signed-in user's navigation above the page, and the toasts of its actions. */
export function AppLayout() {
  const me = useMe()
  if (me.isPending) {
    return <p className="page">{t('app.loading')}</p>
  }
  if (me.isError) {
    return (
      <main className="page">
        <ErrorMessage error={me.error} />
      </main>
    )
  }
  return (
    <ToastProvider>
      <NavBar me={me.data} />
      <main className="page">
        <Outlet />
      </main>
    </ToastProvider>
  )
}
