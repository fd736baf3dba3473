import { describe, expect, it } from 'vitest'
import { formatClock, formatExact, formatRelative, splitInstants, zoneLabel, zoneOf } from './displayTime'

describe('formatExact', () => {
  it('names UTC when times are shown in UTC', () => {
    expect(formatExact('2026-11-25T19:13:36.789Z', 'UTC')).toBe('2026-11-25 19:13:36 UTC')
  })

  it('shows the wall clock of a zone with the offset it had at that instant, daylight saving time included', () => {
    expect(formatExact('2026-01-15T12:00:00Z', 'Europe/Paris')).toBe('2026-01-15 13:00:00 GMT+1')
    expect(formatExact('2026-07-15T12:00:00Z', 'Europe/Paris')).toBe('2026-07-15 14:00:00 GMT+2')
    expect(formatExact('2026-03-08T06:59:59Z', 'America/New_York')).toBe('2026-03-08 01:59:59 GMT-5')
    expect(formatExact('2026-03-08T07:00:00Z', 'America/New_York')).toBe('2026-03-08 03:00:00 GMT-4')
  })

  it('reads instants sent with an offset as the same instant', () => {
    expect(formatExact('2026-11-25T20:13:36+01:00', 'UTC')).toBe('2026-11-25 19:13:36 UTC')
  })

  it('shows text it cannot read, or in a zone this browser does not know, as it was sent', () => {
    expect(formatExact('soon', 'UTC')).toBe('soon')
    expect(formatExact('2026-11-25T19:13:36Z', 'Mars/Olympus')).toBe('2026-11-25T19:13:36Z')
  })
})

describe('formatClock', () => {
  it('is the hour and minute in the zone', () => {
    expect(formatClock('2026-11-25T19:13:00Z', 'UTC')).toBe('19:13')
    expect(formatClock('2026-11-25T19:13:00Z', 'Asia/Kolkata')).toBe('00:43')
  })
})

describe('formatRelative', () => {
  const now = Date.parse('2026-11-25T12:00:00Z')
  const before = (ms: number) => new Date(now - ms).toISOString()
  const after = (ms: number) => new Date(now + ms).toISOString()

  it.each([
    [0, 'just now'],
    [4_999, 'just now'],
    [5_000, '5 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [239_000, '3 min ago'],
    [3_600_000, '1 h ago'],
    [86_399_000, '23 h ago'],
    [86_400_000, '1 d ago'],
    [29 * 86_400_000, '29 d ago'],
  ])('says %i ms before now is %s', (ms, text) => {
    expect(formatRelative(before(ms), now, 'UTC')).toBe(text)
  })

  it('says how far ahead a due time is', () => {
    expect(formatRelative(after(3_000), now, 'UTC')).toBe('just now')
    expect(formatRelative(after(90_000), now, 'UTC')).toBe('in 1 min')
    expect(formatRelative(after(7_200_000), now, 'UTC')).toBe('in 2 h')
  })

  it('gives the date in the zone past 30 days, where a count of days says less', () => {
    expect(formatRelative('2026-10-01T23:30:00Z', now, 'UTC')).toBe('2026-10-01')
    expect(formatRelative('2026-10-01T23:30:00Z', now, 'Europe/Paris')).toBe('2026-10-02')
  })

  it('shows text it cannot read as it was sent', () => {
    expect(formatRelative('yesterday', now, 'UTC')).toBe('yesterday')
  })
})

describe('zones', () => {
  it('shows UTC, or the browser zone named', () => {
    expect(zoneOf('utc', 'Europe/Paris')).toBe('UTC')
    expect(zoneOf('local', 'Europe/Paris')).toBe('Europe/Paris')
    expect(zoneLabel('utc', 'Europe/Paris')).toBe('UTC')
    expect(zoneLabel('local', 'Europe/Paris')).toBe('local (Europe/Paris)')
  })
})

describe('splitInstants', () => {
  it('cuts the instants a timeline entry quotes out of its words', () => {
    expect(splitInstants('retry 1 at 2026-11-25T19:13:36.123Z after IOException: boom')).toEqual([
      { text: 'retry 1 at ' },
      { instant: '2026-11-25T19:13:36.123Z' },
      { text: ' after IOException: boom' },
    ])
  })

  it('finds instants at either end and with an offset', () => {
    expect(splitInstants('2026-11-25T19:13:36Z then 2026-11-25T20:00:00+01:00')).toEqual([
      { instant: '2026-11-25T19:13:36Z' },
      { text: ' then ' },
      { instant: '2026-11-25T20:00:00+01:00' },
    ])
  })

  it('leaves text without an instant whole, and dates without a time alone', () => {
    expect(splitInstants('delivery 2 to w1 on 2026-11-25')).toEqual([{ text: 'delivery 2 to w1 on 2026-11-25' }])
    expect(splitInstants('')).toEqual([])
  })
})
