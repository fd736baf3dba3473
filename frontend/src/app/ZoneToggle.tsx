import { zoneLabel } from '../displayTime'
import { t } from '../i18n'
import { pickZone, useZoneChoice } from './zoneChoice'

/** Switches every time on every page between this browser's zone and UTC; says which one is shown. */
export function ZoneToggle() {
  const choice = useZoneChoice()
  return (
    <button
      type="button"
      className="nav-button"
      data-testid="zone-toggle"
      data-zone-choice={choice}
      title={t('time.toggle_title')}
      onClick={() => pickZone(choice === 'utc' ? 'local' : 'utc')}
    >
      {t('time.toggle', { zone: zoneLabel(choice) })}
    </button>
  )
}
