import { formatInstant } from '../format'
import { t } from '../i18n'
import { useConnection } from './connection'

/** Says that the page has stopped updating, and since when, while the stream is down. */
export function OfflineBanner() {
  const { state, lastEventAt } = useConnection()
  if (state !== 'offline') {
    return null
  }
  return (
    <div className="banner banner-error offline-banner" role="alert" data-testid="offline-banner">
      {lastEventAt === null
        ? t('connection.offline_banner_never')
        : t('connection.offline_banner', { time: formatInstant(new Date(lastEventAt).toISOString()) })}
    </div>
  )
}
