import { describe, expect, it } from 'vitest'
import { elapsed, formatDuration, formatInterval, formatJson } from './format'

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [350, '350 ms'],
    [999, '999 ms'],
    [1_000, '1.0 s'],
    [4_250, '4.2 s'],
    [59_999, '59.9 s'],
    [60_000, '1m 00s'],
    [185_000, '3m 05s'],
    [3_600_000, '1h 00m'],
    [7_620_000, '2h 07m'],
    [100_800_000, '1d 04h'],
  ])('formats %i ms as %s', (milliseconds, text) => {
    expect(formatDuration(milliseconds)).toBe(text)
  })

  it('shows a dash when the duration is unknown or nonsensical', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(-5)).toBe('—')
    expect(formatDuration(Number.NaN)).toBe('—')
  })
})

describe('elapsed', () => {
  const now = Date.parse('2025-01-01T10:01:00Z')

  it('is unknown before the start', () => {
    expect(elapsed(null, null, now)).toBeNull()
  })

  it('runs up to now while not finished', () => {
    expect(elapsed('2025-01-01T10:00:00Z', null, now)).toBe(60_000)
  })

  it('stops at the finish', () => {
    expect(elapsed('2025-01-01T10:00:00Z', '2025-01-01T10:00:02.500Z', now)).toBe(2_500)
  })
})

describe('formatJson', () => {
  it('pretty-prints with two spaces', () => {
    expect(formatJson({ a: [1, 'x'] })).toBe('{\n  "a": [\n    1,\n    "x"\n  ]\n}')
  })
})

describe('formatInterval', () => {
  it.each([
    [45, '45s'],
    [60, '1m'],
    [90, '1m 30s'],
    [900, '15m'],
    [5_400, '1h 30m'],
    [86_400, '1d'],
    [90_061, '1d 1h 1m 1s'],
    [0, '0s'],
  ])('formats %i s as %s', (seconds, text) => {
    expect(formatInterval(seconds)).toBe(text)
  })
})
