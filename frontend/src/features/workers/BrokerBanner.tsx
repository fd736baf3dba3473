import { t } from '../../i18n'

/** Says plainly that live state is missing because the broker (Redis) does not answer. */
export function BrokerBanner({ error }: { error: string | null }) {
  return (
    <div className="banner banner-error" role="alert" data-testid="broker-banner">
      {t('workers.broker_down', { error: error ?? '?' })}
    </div>
  )
}
