import { t } from './i18n'

export const DEFAULT_TIME_ZONE = 'UTC'

const COMMON_TIME_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'Europe/Berlin',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
]

/** The common zones first, then every zone the browser knows (when it can say). */
export const TIME_ZONES: readonly string[] = [
  ...new Set([
    ...COMMON_TIME_ZONES,
    ...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []),
  ]),
]

/** The zone this browser's clock is set to. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** An instant as the wall clock of `timeZone` shows it, with the zone's offset; as sent for a zone unknown here. */
export function formatInZone(instant: string | null, timeZone: string): string {
  if (instant === null) {
    return t('app.empty_value')
  }
  try {
    return new Date(instant).toLocaleString(undefined, { timeZone, timeZoneName: 'shortOffset' })
  } catch {
    return instant
  }
}

const WALL_PARTS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const

/** The wall-clock fields of `time` in `timeZone`, read back as if they were UTC (throws for an unknown zone). */
export function wallClockAsUtc(time: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(time)
  const [year, month, day, hour, minute, second] = WALL_PARTS.map((type) =>
    Number(parts.find((part) => part.type === type)?.value),
  )
  return Date.UTC(year, month - 1, day, hour, minute, second)
}

/**
 * `instant` as a `datetime-local` input shows it in `timeZone` (`YYYY-MM-DDTHH:mm`, with `:ss` when its seconds are
 * not 0: cut, an edit that changed only a one-off schedule's name moved its time); empty for a zone unknown here.
 */
export function wallTimeIn(instant: string, timeZone: string): string {
  try {
    const wall = new Date(wallClockAsUtc(Date.parse(instant), timeZone)).toISOString()
    return wall.slice(0, wall.slice(17, 19) === '00' ? 16 : 19)
  } catch {
    return ''
  }
}

/**
 * The instant (ISO, `Z`) at which the clock in `timeZone` shows `wallTime` (`YYYY-MM-DDTHH:mm[:ss]`), or null when
 * either is unknown. Like cron: a time a DST change skips moves on by the gap, a repeated one takes the first.
 */
export function instantAt(wallTime: string, timeZone: string): string | null {
  const asUtc = Date.parse(`${wallTime}Z`)
  if (Number.isNaN(asUtc)) {
    return null
  }
  try {
    const nearby = [asUtc, asUtc - (wallClockAsUtc(asUtc, timeZone) - asUtc)]
    const candidates = nearby.map((time) => asUtc - (wallClockAsUtc(time, timeZone) - time))
    const exact = candidates.filter((time) => wallClockAsUtc(time, timeZone) === asUtc)
    return new Date(exact.length > 0 ? Math.min(...exact) : Math.max(...candidates)).toISOString()
  } catch {
    return null
  }
}
