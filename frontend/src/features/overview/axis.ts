import { formatClock, formatExact } from '../../displayTime'
import { t } from '../../i18n'
import type { Overview } from './api'

/** One step of the time axis: what ended in it, and the share of failures among successes and failures (%). */
export interface AxisPoint {
  start: string
  success: number
  failed: number
  /** Null where nothing succeeded or failed: the line breaks rather than claiming 0 %. */
  failure_percent: number | null
}

/**
 * Every step from `from` to `to`, in order: the server lists only the buckets where something ended, and a chart
 * given those alone would draw a line straight over the quiet minutes instead of down to 0.
 */
export function fillAxis(overview: Pick<Overview, 'from' | 'to' | 'step_seconds' | 'buckets'>): AxisPoint[] {
  const byStart = new Map(overview.buckets.map((bucket) => [Date.parse(bucket.start), bucket.outcomes]))
  const step = overview.step_seconds * 1000
  const points: AxisPoint[] = []
  for (let start = Date.parse(overview.from); start < Date.parse(overview.to); start += step) {
    const outcomes = byStart.get(start) ?? {}
    const success = outcomes.success ?? 0
    const failed = outcomes.failed ?? 0
    points.push({
      start: new Date(start).toISOString(),
      success,
      failed,
      failure_percent: success + failed === 0 ? null : (100 * failed) / (success + failed),
    })
  }
  return points
}

/** `12.5 %` (one decimal below 10 %, whole percents above); `—` when there is no rate. */
export function formatRate(rate: number | null): string {
  if (rate === null) {
    return t('app.empty_value')
  }
  const percent = rate * 100
  return `${percent < 10 && percent !== 0 ? percent.toFixed(1) : Math.round(percent)} %`
}

/**
 * An axis label in `timeZone`: `20:15` while the axis spans a day at most, `11-25 20:00` beyond, where the same
 * clock time recurs.
 */
export function axisLabel(instant: string, stepSeconds: number, timeZone: string): string {
  if (stepSeconds < 3600) {
    return formatClock(instant, timeZone)
  }
  const exact = formatExact(instant, timeZone)
  return exact === instant ? instant : exact.slice(5, 16)
}
