import { describe, expect, it } from 'vitest'
import { throughputByMinute } from './throughput'

describe('throughputByMinute', () => {
  it('puts every queue of a minute on one row, in time order, leaving gaps empty', () => {
    const rows = throughputByMinute([
      { name: 'default', depth: 0, delayed: 0, in_flight: 0, held: 0, paused: false, throughput: [
        { minute: '2025-01-01T10:01:00Z', count: 4 },
        { minute: '2025-01-01T10:00:00Z', count: 2 },
      ] },
      { name: 'mail', depth: 0, delayed: 0, in_flight: 0, held: 0, paused: false, throughput: [{ minute: '2025-01-01T10:01:00Z', count: 1 }] },
    ])
    expect(rows).toEqual([
      { minute: '2025-01-01T10:00:00Z', default: 2 },
      { minute: '2025-01-01T10:01:00Z', default: 4, mail: 1 },
    ])
  })
})
