import { t } from './i18n'
import { browserTimeZone, wallClockAsUtc } from './timeZones'

/**
 * How the app shows instants: every time on every page in one zone, the browser's or UTC, as the user picked
 * (remembered per browser); a relative time ("3 min ago") with the exact time, zone named, beside or on hover.
 */
export type ZoneChoice = 'local' | 'utc'

export const ZONE_CHOICES: readonly ZoneChoice[] = ['local', 'utc']

/** The IANA zone a choice shows times in. */
export function zoneOf(choice: ZoneChoice, localZone: string = browserTimeZone()): string {
  return choice === 'utc' ? 'UTC' : localZone
}

/** The choice as the toggle names it: `UTC`, or `local (Europe/Paris)`. */
export function zoneLabel(choice: ZoneChoice, localZone: string = browserTimeZone()): string {
  return choice === 'utc' ? t('time.utc') : t('time.local', { zone: localZone })
}

const offsetNames = new Map<string, Intl.DateTimeFormat>()

/** `UTC`, or the zone's offset at that instant as `GMT+1` (it changes with daylight saving time). */
function offsetName(time: number, timeZone: string): string {
  if (timeZone === 'UTC') {
    return 'UTC'
  }
  let format = offsetNames.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' })
    offsetNames.set(timeZone, format)
  }
  return format.formatToParts(time).find((part) => part.type === 'timeZoneName')?.value ?? timeZone
}

/** The wall clock of `timeZone` at `time` as `YYYY-MM-DD HH:mm:ss`. */
function wallClock(time: number, timeZone: string): string {
  return new Date(wallClockAsUtc(time, timeZone)).toISOString().slice(0, 19).replace('T', ' ')
}

/** `2026-11-25 20:13:36 GMT+1`: the exact time in `timeZone`, the zone named; the text as sent when unreadable. */
export function formatExact(instant: string, timeZone: string): string {
  const time = Date.parse(instant)
  if (Number.isNaN(time)) {
    return instant
  }
  try {
    return `${wallClock(time, timeZone)} ${offsetName(time, timeZone)}`
  } catch {
    return instant // A zone this browser does not know.
  }
}

/** `20:13` in `timeZone`, for chart axes whose minutes are all on one day or close to it. */
export function formatClock(instant: string, timeZone: string): string {
  const text = formatExact(instant, timeZone)
  return text === instant ? instant : text.slice(11, 16)
}

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** Past this, "41 d ago" says less than the date itself. */
const RELATIVE_LIMIT = 30 * DAY

/** The largest unit that fits, counted down (3 min 59 s is `3 min`): the reader learns the order of magnitude. */
function amount(span: number): string {
  if (span < MINUTE) {
    return t('time.seconds', { count: Math.floor(span / SECOND) })
  }
  if (span < HOUR) {
    return t('time.minutes', { count: Math.floor(span / MINUTE) })
  }
  if (span < DAY) {
    return t('time.hours', { count: Math.floor(span / HOUR) })
  }
  return t('time.days', { count: Math.floor(span / DAY) })
}

/**
 * `just now`, `42 s ago`, `3 min ago`, `in 2 h` (a due time ahead), or past 30 days the date in `timeZone`; the text
 * as sent when unreadable. Within 5 s either way it is `just now`: clocks of browser and server differ that much.
 */
export function formatRelative(instant: string, now: number, timeZone: string): string {
  const time = Date.parse(instant)
  if (Number.isNaN(time)) {
    return instant
  }
  const span = Math.abs(now - time)
  if (span < 5 * SECOND) {
    return t('time.just_now')
  }
  if (span >= RELATIVE_LIMIT) {
    return formatExact(instant, timeZone).slice(0, 10)
  }
  return time <= now ? t('time.ago', { amount: amount(span) }) : t('time.ahead', { amount: amount(span) })
}

/** A piece of server text: words, or an instant it quotes (ISO-8601 with `Z` or an offset). */
export type TextPart = { text: string } | { instant: string }

const QUOTED_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g

/**
 * Splits text the server wrote (a timeline entry's `retry 1 at 2026-...Z after ...`) around the instants it quotes,
 * so that they are shown in the chosen zone like every other time instead of as raw UTC.
 */
export function splitInstants(text: string): TextPart[] {
  const parts: TextPart[] = []
  let from = 0
  for (const match of text.matchAll(QUOTED_INSTANT)) {
    if (match.index > from) {
      parts.push({ text: text.slice(from, match.index) })
    }
    parts.push({ instant: match[0] })
    from = match.index + match[0].length
  }
  if (from < text.length) {
    parts.push({ text: text.slice(from) })
  }
  return parts
}
