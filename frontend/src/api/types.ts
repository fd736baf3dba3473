import type { Schema } from './schemas'

export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'success',
  'failed',
  'stuck',
  'revoked',
  'retrying',
  'cancelled',
] as const

export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number]

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export type Me = Schema<'Sessions.Me'>

export interface LoginAnswer extends Me {
  access_token: string
  token_type: string
  expires_in: number
}

export interface ExecutionSummary {
  id: string
  task_name: string
  status: ExecutionStatus
  queue: string
  priority: number | null
  retries: number
  deliveries: number
  worker: string | null
  progress: number | null
  exception_type: string | null
  queued_at: string
  started_at: string | null
  finished_at: string | null
  /** The arguments' JSON text, cut to 120 characters. */
  args_preview: string | null
  /** When a countdown, eta or retry backoff is due. */
  eta: string | null
}

/** One delivery to a worker, read from the timeline by the server. */
export interface Attempt {
  number: number
  worker: string | null
  started_at: string
  finished_at: string | null
  outcome: 'running' | 'retrying' | 'succeeded' | 'failed' | 'revoked' | 'lease_expired' | 'released'
  exception_type: string | null
  exception_message: string | null
}

export interface TimelineEvent {
  at: string
  event: string
  detail: Json
}

export interface ExecutionDetail extends ExecutionSummary {
  task_id: string
  args: Json
  kwargs: Json
  result: Json
  traceback: string | null
  exception_message: string | null
  revoke_reason: string | null
  progress_step: string | null
  retried_from_id: string | null
  retried_by: string[]
  /** The workflow this execution is a member of; null (or absent) for a plain execution. */
  workflow_id?: string | null
  expires_at: string | null
  heartbeat_at: string | null
  stale_reports: number | null
  timeline: TimelineEvent[]
  attempts: Attempt[]
}

export interface Page<T> {
  items: T[]
  total: number
  /** Past 10,000 matches `total` is the planner's estimate. */
  total_estimated?: boolean
  /** Null when the page was asked for by cursor. */
  page: number | null
  per_page: number
  /** Continues after this page's last row (the default order of the executions list only); null on the last. */
  next_cursor?: string | null
}

export interface Revocation {
  id: string
  revocation: 'revoked' | 'stop_requested'
}

export interface ActiveTask {
  id: string
  task: string
  started_at: string
}

export interface Worker {
  id: string
  host: string
  pid: number
  queues: string[]
  concurrency: number
  active: ActiveTask[]
  processed: number
  failed: number
  started_at: string
  heartbeat_at: string
}

export interface WorkersSnapshot {
  broker_reachable: boolean
  error: string | null
  workers: Worker[]
}

interface MinuteCount {
  minute: string
  count: number
}

/** The document types `throughput` as open objects (the server builds it as maps); each is a minute's count. */
export type QueueState = Omit<Schema<'LiveController.Queue'>, 'throughput'> & { throughput: MinuteCount[] }

export interface MinuteOutcomes {
  minute: string
  success: number
  failed: number
}

/** Audit entries: the contract does not say whether their ids are numbers or UUIDs. */
export type RecordId = string | number

export type User = Schema<'AdministrationController.UserView'>

/** `token` is null except in the answer that created it. */
export type ApiToken = Schema<'AdministrationController.TokenView'>

export type CreatedToken = ApiToken & { token: string }

export interface AuditEntry {
  id: RecordId
  at: string
  username: string
  action: string
  target: string | null
  detail: Json
}

export interface Role {
  name: string
  permissions: string[]
}

export const SCHEDULE_KINDS = ['cron', 'interval', 'solar', 'one_off'] as const

export type ScheduleKind = (typeof SCHEDULE_KINDS)[number]

export const SOLAR_EVENTS = ['sunrise', 'sunset', 'dawn_civil', 'dusk_civil', 'solar_noon'] as const

export type SolarEvent = (typeof SOLAR_EVENTS)[number]

export const MISFIRE_POLICIES = ['fire_once', 'skip', 'fire_all'] as const

export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number]

/** `api` schedules are edited here; `code` (declared by a module) and `builtin` ones only where they are declared. */
export type ScheduleSource = 'api' | 'code' | 'builtin'

/**
 * Only the fields of the schedule's `kind` are set; the others are null. The document says `string` where the
 * answer holds one of a few values, and `JsonNode` for the arguments.
 */
export type Schedule = Omit<Schema<'ScheduleView'>, 'kind' | 'solar_event' | 'misfire_policy' | 'source' | 'args' | 'kwargs'> & {
  kind: ScheduleKind
  solar_event: SolarEvent | null
  misfire_policy: MisfirePolicy
  source: ScheduleSource
  args: Json[] | null
  kwargs: { [key: string]: Json } | null
}
