import { Link, useLocation } from 'react-router'
import { usePageTitle } from '../components/usePageTitle'
import { t } from '../i18n'

/** Any address the app has no page for. */
export function NotFoundPage() {
  usePageTitle(t('not_found.title'))
  const { pathname } = useLocation()
  return (
    <section className="empty" data-testid="not-found-page">
      <h1>{t('not_found.title')}</h1>
      <p>{t('not_found.message', { path: pathname })}</p>
      <Link to="/">{t('not_found.back')}</Link>
    </section>
  )
}
