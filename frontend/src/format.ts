import { t } from './i18n'
import type { Json } from './api/types'
import { stringifyJson } from './api/json'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function twoDigits(value: number): string {
  return String(value).padStart(2, '0')
}

/** A span of time as people read it: `350 ms`, `4.2 s`, `3m 05s`, `2h 07m`, `1d 04h`; `—` when unknown. */
export function formatDuration(milliseconds: number | null): string {
  if (milliseconds === null || !Number.isFinite(milliseconds) || milliseconds < 0) {
    return t('app.empty_value')
  }
  if (milliseconds < SECOND) {
    return `${Math.round(milliseconds)} ms`
  }
  if (milliseconds < MINUTE) {
    return `${(Math.floor(milliseconds / 100) / 10).toFixed(1)} s`
  }
  if (milliseconds < HOUR) {
    return `${Math.floor(milliseconds / MINUTE)}m ${twoDigits(Math.floor((milliseconds % MINUTE) / SECOND))}s`
  }
  if (milliseconds < DAY) {
    return `${Math.floor(milliseconds / HOUR)}h ${twoDigits(Math.floor((milliseconds % HOUR) / MINUTE))}m`
  }
  return `${Math.floor(milliseconds / DAY)}d ${twoDigits(Math.floor((milliseconds % DAY) / HOUR))}h`
}

/** Milliseconds from `from` to `to`, or to `now` while `to` is not reached; null before `from`. */
export function elapsed(from: string | null, to: string | null, now: number): number | null {
  if (from === null) {
    return null
  }
  const end = to === null ? now : Date.parse(to)
  return Math.max(0, end - Date.parse(from))
}

const INTERVAL_UNITS = [
  ['d', DAY / SECOND],
  ['h', HOUR / SECOND],
  ['m', MINUTE / SECOND],
  ['s', 1],
] as const

/** A schedule's interval in whole units: `45s`, `15m`, `1h 30m`, `1d`. */
export function formatInterval(seconds: number): string {
  let rest = Math.round(seconds)
  const parts: string[] = []
  for (const [unit, size] of INTERVAL_UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  return parts.length > 0 ? parts.join(' ') : '0s'
}

export function formatJson(value: Json): string {
  return stringifyJson(value, 2)
}

/** Short free-form values (an event's or audit entry's detail) on one line. */
export function formatDetail(value: Json): string {
  if (value === null) {
    return ''
  }
  return typeof value === 'string' ? value : stringifyJson(value)
}

export function shortId(id: string): string {
  return id.slice(0, 8)
}
