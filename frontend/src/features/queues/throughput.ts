import type { QueueState } from '../../api/types'

/** One row per minute with a column per queue, as the line chart wants it. */
export function throughputByMinute(queues: QueueState[]): Record<string, string | number>[] {
  const rows = new Map<string, Record<string, string | number>>()
  for (const queue of queues) {
    for (const { minute, count } of queue.throughput) {
      const row = rows.get(minute) ?? { minute }
      row[queue.name] = count
      rows.set(minute, row)
    }
  }
  return [...rows.values()].sort((a, b) => String(a.minute).localeCompare(String(b.minute)))
}
