import { apiGet } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import type { MinuteOutcomes, QueueState } from '../../api/types'

export function fetchQueues(): Promise<{ queues: QueueState[] }> {
  return apiGet(`${ADMIN_API}/queues`)
}

export function fetchStats(minutes: number): Promise<{ minutes: MinuteOutcomes[] }> {
  return apiGet(`${ADMIN_API}/stats?minutes=${minutes}`)
}
