import type { Schedule } from '../../api/types'
import { formatInterval } from '../../format'
import { label, t } from '../../i18n'
import { formatInZone } from '../../timeZones'

/** When the schedule fires, in words: `Cron 0 3 * * 1`, `Every 1h 30m`, `Sunset at 52.5, 13.4`, `Once at …`. */
export function scheduleSummary(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'cron':
      return t('schedules.summary_cron', { cron: schedule.cron ?? '' })
    case 'interval':
      return t('schedules.summary_interval', { interval: formatInterval(schedule.interval_seconds ?? 0) })
    case 'solar':
      return t('schedules.summary_solar', {
        event: label('solar_events', schedule.solar_event ?? ''),
        latitude: schedule.latitude ?? '',
        longitude: schedule.longitude ?? '',
      })
    case 'one_off':
      return t('schedules.summary_one_off', { at: formatInZone(schedule.run_at, schedule.timezone) })
  }
}
