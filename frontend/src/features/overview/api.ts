import { apiGet } from '../../api/client'
import { ADMIN_API } from '../../api/paths'

/** The windows the overview offers; the server picks each one's bucket width. */
export const WINDOWS = ['1h', '24h', '7d'] as const
export type OverviewWindow = (typeof WINDOWS)[number]

/** Ended executions by outcome: success, failed, revoked, cancelled. */
export type Outcomes = Record<string, number>

export interface OverviewBucket {
  start: string
  outcomes: Outcomes
}

export interface TaskOverview {
  task_name: string
  count: number
  outcomes: Outcomes
  failure_rate: number | null
  run_p50_ms: number | null
  run_p95_ms: number | null
  run_mean_ms: number | null
  wait_p50_ms: number | null
  wait_p95_ms: number | null
  wait_mean_ms: number | null
}

export interface QueueOverview {
  name: string
  depth: number
  delayed: number
  in_flight: number
  paused: boolean
  oldest_age_seconds: number | null
}

export interface StatusCount {
  status: string
  count: number
  estimated: boolean
}

export interface Overview {
  window: OverviewWindow
  from: string
  to: string
  step_seconds: number
  unfinished: StatusCount[]
  ended: Outcomes
  /** Only the buckets where something ended: the page fills the rest of the axis with 0. */
  buckets: OverviewBucket[]
  tasks: TaskOverview[]
  broker_reachable: boolean
  queues: QueueOverview[]
}

export function fetchOverview(window: OverviewWindow): Promise<Overview> {
  return apiGet(`${ADMIN_API}/overview?window=${window}`)
}
