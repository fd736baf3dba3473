import { describe, expect, it } from 'vitest'
import { TIME_ZONES, formatInZone, instantAt, wallTimeIn } from './timeZones'

describe('TIME_ZONES', () => {
  it('offers the common zones first, then the ones the browser knows, each once', () => {
    expect(TIME_ZONES.slice(0, 2)).toEqual(['UTC', 'Europe/London'])
    expect(TIME_ZONES).toContain('Pacific/Auckland')
    expect(new Set(TIME_ZONES).size).toBe(TIME_ZONES.length)
  })
})

describe('formatInZone', () => {
  it('shows the wall clock of the zone with its offset', () => {
    expect(formatInZone('2026-03-08T08:00:00Z', 'America/New_York')).toMatch(/4:00:00.*GMT-4$/)
    expect(formatInZone('2026-03-08T06:00:00Z', 'America/New_York')).toMatch(/1:00:00.*GMT-5$/)
  })

  it('shows a dash for no instant, and the instant as sent for a zone it does not know', () => {
    expect(formatInZone(null, 'UTC')).toBe('—')
    expect(formatInZone('2026-03-08T03:00:00-04:00', 'Mars/Olympus')).toBe('2026-03-08T03:00:00-04:00')
  })
})

describe('wall times', () => {
  it('reads an instant as the clock of the zone shows it', () => {
    expect(wallTimeIn('2026-07-01T16:30:00Z', 'America/New_York')).toBe('2026-07-01T12:30')
    expect(wallTimeIn('2026-07-01T16:30:00Z', 'Mars/Olympus')).toBe('')
  })

  it('finds the instant of a wall time in the zone', () => {
    expect(instantAt('2026-07-01T12:30', 'America/New_York')).toBe('2026-07-01T16:30:00.000Z')
    expect(instantAt('2026-01-15T09:00', 'Europe/Berlin')).toBe('2026-01-15T08:00:00.000Z')
    expect(instantAt('2026-01-15T09:00:30', 'UTC')).toBe('2026-01-15T09:00:30.000Z')
  })

  it('moves a time skipped by DST on by the gap and takes the first of a repeated one', () => {
    expect(instantAt('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z')
    expect(instantAt('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z')
  })

  it('knows nothing of an empty time or an unknown zone', () => {
    expect(instantAt('', 'UTC')).toBeNull()
    expect(instantAt('2026-01-15T09:00', 'Mars/Olympus')).toBeNull()
  })
})
