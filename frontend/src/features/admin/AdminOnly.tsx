import { Outlet } from 'react-router'
import { t } from '../../i18n'
import { PERMISSIONS } from '../session/api'
import { useCan } from '../session/queries'

/** The layout route of the administration pages: their content for admins, a refusal for everyone else. */
export function AdminOnly() {
  if (!useCan(PERMISSIONS.admin)) {
    return (
      <p className="banner banner-error" role="alert" data-testid="forbidden">
        {t('errors.forbidden')}
      </p>
    )
  }
  return <Outlet />
}
