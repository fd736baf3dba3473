import type { ReactNode } from 'react'
import type { Permission } from '../api/session'
import { useCan } from '../api/session'
import { t } from '../i18n'

export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  if (!useCan(permission)) {
    return (
      <p className="banner banner-error" role="alert" data-testid="forbidden">
        {t('errors.forbidden')}
      </p>
    )
  }
  return children
}
