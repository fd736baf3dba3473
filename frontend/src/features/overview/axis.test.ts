import { describe, expect, it } from 'vitest'
import { axisLabel, fillAxis, formatRate } from './axis'

describe('fillAxis', () => {
  it('gives every step of the window a point, quiet ones at 0, in time order', () => {
    const points = fillAxis({
      from: '2026-01-01T10:00:00Z',
      to: '2026-01-01T10:04:00Z',
      step_seconds: 60,
      buckets: [
        { start: '2026-01-01T10:02:00.000Z', outcomes: { success: 3, failed: 1, revoked: 0, cancelled: 0 } },
        { start: '2026-01-01T10:00:00Z', outcomes: { success: 2, failed: 0, revoked: 1, cancelled: 0 } },
      ],
    })
    expect(points).toEqual([
      { start: '2026-01-01T10:00:00.000Z', success: 2, failed: 0, failure_percent: 0 },
      { start: '2026-01-01T10:01:00.000Z', success: 0, failed: 0, failure_percent: null },
      { start: '2026-01-01T10:02:00.000Z', success: 3, failed: 1, failure_percent: 25 },
      { start: '2026-01-01T10:03:00.000Z', success: 0, failed: 0, failure_percent: null },
    ])
  })

  it('spans a week in hourly steps', () => {
    const points = fillAxis({ from: '2026-01-01T00:00:00Z', to: '2026-01-08T00:00:00Z', step_seconds: 3600, buckets: [] })
    expect(points).toHaveLength(168)
    expect(points.every((point) => point.success === 0 && point.failed === 0)).toBe(true)
  })
})

describe('formatRate', () => {
  it('shows small rates to a tenth of a percent, larger ones whole, and no rate as a dash', () => {
    expect(formatRate(0.0125)).toBe('1.3 %')
    expect(formatRate(0.25)).toBe('25 %')
    expect(formatRate(0)).toBe('0 %')
    expect(formatRate(null)).toBe('—')
  })
})

describe('axisLabel', () => {
  it('shows the clock time within a day and the date too over a week, in the chosen zone', () => {
    expect(axisLabel('2026-01-01T10:15:00Z', 60, 'UTC')).toBe('10:15')
    expect(axisLabel('2026-01-01T10:00:00Z', 3600, 'UTC')).toBe('01-01 10:00')
    expect(axisLabel('2026-01-01T23:00:00Z', 3600, 'Europe/Paris')).toBe('01-02 00:00')
  })
})
