import { apiGet, apiSend } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import type { MinuteOutcomes, QueueState } from '../../api/types'

export function fetchQueues(): Promise<{ queues: QueueState[] }> {
  return apiGet(`${ADMIN_API}/queues`)
}

export function fetchStats(minutes: number): Promise<{ minutes: MinuteOutcomes[] }> {
  return apiGet(`${ADMIN_API}/stats?minutes=${minutes}`)
}

/** What an operator may do to a queue: pause or resume it, or revoke what waits in it. */
export type QueueAction = 'pause' | 'resume' | 'purge'

/**
 * The queue's waiting executions, ready, delayed or held back by a rate limit or concurrency cap: those a purge
 * revokes and a pause holds back.
 */
export function waitingCount(queue: Pick<QueueState, 'depth' | 'delayed' | 'held'>): number {
  return queue.depth + queue.delayed + queue.held
}

/**
 * The actions that would change the queue: pause or resume (whichever it is not), and purge only while something
 * waits (a purge of an empty queue revokes nothing and would still be audited).
 */
export function queueActions(queue: Pick<QueueState, 'paused' | 'depth' | 'delayed' | 'held'>): QueueAction[] {
  const actions: QueueAction[] = [queue.paused ? 'resume' : 'pause']
  return waitingCount(queue) > 0 ? [...actions, 'purge'] : actions
}

export interface QueueActionAnswer {
  name: string
  paused?: boolean
  /** Only for a purge: how many waiting executions were revoked. */
  purged?: number
}

export function runQueueAction(name: string, action: QueueAction): Promise<QueueActionAnswer> {
  return apiSend('POST', `${ADMIN_API}/queues/${encodeURIComponent(name)}/${action}`)
}
