import { apiGet } from './client'
import { ADMIN_API } from './paths'
import type { MinuteOutcomes, QueueState, WorkersSnapshot } from './types'

export const LIVE_REFRESH_MS = 2_000

export function fetchWorkers(): Promise<WorkersSnapshot> {
  return apiGet(`${ADMIN_API}/workers`)
}

export function fetchQueues(): Promise<{ queues: QueueState[] }> {
  return apiGet(`${ADMIN_API}/queues`)
}

export function fetchStats(minutes: number): Promise<{ minutes: MinuteOutcomes[] }> {
  return apiGet(`${ADMIN_API}/stats?minutes=${minutes}`)
}
