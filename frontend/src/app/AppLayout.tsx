import { Outlet } from 'react-router'
import { ErrorMessage } from '../components/ErrorMessage'
import { ToastProvider } from '../components/Toasts'
import { useMe } from '../features/session/queries'
import { t } from '../i18n'
import { LiveStream } from './LiveStream'
import { NavBar } from './NavBar'
import { OfflineBanner } from './OfflineBanner'

/**
 * Every page but the login: the signed-in user's navigation above the page, the toasts of its actions, and the live
 * stream that keeps its data current.
 */
export function AppLayout() {
  const me = useMe()
  if (me.isPending) {
    return <p className="page">{t('app.loading')}</p>
  }
  // Only with nothing to show: a refetch that fails (the stream dropped and asked again, and the server answered 503)
  // keeps the last answer, so the navigation, the offline banner and the page stay, and the stream reconnects.
  if (me.isError && me.data === undefined) {
    return (
      <main className="page">
        <ErrorMessage error={me.error} />
      </main>
    )
  }
  return (
    <ToastProvider>
      <LiveStream>
        <NavBar me={me.data} />
        <main className="page">
          <OfflineBanner />
          <Outlet />
        </main>
      </LiveStream>
    </ToastProvider>
  )
}
