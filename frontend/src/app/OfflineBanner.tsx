import { formatExact } from '../displayTime'
import { t } from '../i18n'
import { useConnection } from './connection'
import { useTimeZone } from './zoneChoice'

/** Says that the page has stopped updating, and since when, while the stream is down. */
export function OfflineBanner() {
  const { state, lastEventAt } = useConnection()
  const zone = useTimeZone()
  if (state !== 'offline') {
    return null
  }
  return (
    <div className="banner banner-error offline-banner" role="alert" data-testid="offline-banner">
      {lastEventAt === null
        ? t('connection.offline_banner_never')
        : t('connection.offline_banner', { time: formatExact(new Date(lastEventAt).toISOString(), zone) })}
    </div>
  )
}
