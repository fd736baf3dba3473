import type { ExecutionDetail } from '../../api/types'
import { elapsed } from '../../format'

/**
 * From the first attempt's start to the end (or to now while it runs): what the task cost in all, retries and
 * their waits included. Without attempts (a row the broker answered), the last start is all there is.
 */
export function totalDuration(execution: ExecutionDetail, now: number): number | null {
  const first = execution.attempts[0]?.started_at ?? execution.started_at
  return elapsed(first, execution.finished_at, now)
}

/**
 * The error card is the execution's outcome: a success has none, whatever earlier attempts threw (their errors
 * stay in the attempts list).
 */
export function showsError(execution: ExecutionDetail): boolean {
  return execution.status !== 'success' && (execution.exception_type !== null || execution.traceback !== null)
}
