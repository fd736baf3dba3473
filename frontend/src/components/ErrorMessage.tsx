import { ApiError, errorText } from '../api/client'
import { t } from '../i18n'

export function ErrorMessage({ error }: { error: unknown }) {
  const text =
    error instanceof ApiError && error.status === 403
      ? t('errors.forbidden')
      : t('errors.generic', { message: errorText(error) })
  return (
    <p className="banner banner-error" role="alert" data-testid="error-message">
      {text}
    </p>
  )
}
