import type { ExecutionDetail, ExecutionSummary, Schedule, Worker } from '../api/types'

export const FAILED_ID = '0b7f5c2e-4a1d-4c55-9a0e-2f1d7c3b9e01'
export const RETRIED_ID = '5e2d1c0b-7a6f-4e3d-8c2b-1a0f9e8d7c6b'

export function summary(overrides: Partial<ExecutionSummary> = {}): ExecutionSummary {
  return {
    id: FAILED_ID,
    task_name: 'examples.fail',
    status: 'failed',
    queue: 'default',
    priority: 5,
    retries: 0,
    deliveries: 1,
    worker: 'worker-1',
    progress: null,
    exception_type: 'ProbeFailure',
    queued_at: '2025-01-01T10:00:00Z',
    started_at: '2025-01-01T10:00:01Z',
    finished_at: '2025-01-01T10:00:03.500Z',
    args_preview: '["boom"]',
    eta: null,
    ...overrides,
  }
}

export function detail(overrides: Partial<ExecutionDetail> = {}): ExecutionDetail {
  return {
    ...summary(),
    task_id: 'msg-1',
    args: ['boom'],
    kwargs: {},
    result: null,
    traceback: 'io.chard.examples.ProbeFailure: boom\n\tat ProbeTasks.fail(ProbeTasks.java:66)',
    exception_message: 'boom',
    revoke_reason: null,
    progress_step: null,
    retried_from_id: null,
    retried_by: [],
    expires_at: null,
    heartbeat_at: '2025-01-01T10:00:03Z',
    stale_reports: 0,
    timeline: [
      { at: '2025-01-01T10:00:00Z', event: 'enqueued', detail: null },
      { at: '2025-01-01T10:00:01Z', event: 'started', detail: { worker: 'worker-1', delivery: 1 } },
      { at: '2025-01-01T10:00:03.500Z', event: 'failed', detail: 'ProbeFailure' },
    ],
    attempts: [
      {
        number: 1,
        worker: 'worker-1',
        started_at: '2025-01-01T10:00:01Z',
        finished_at: '2025-01-01T10:00:03.500Z',
        outcome: 'failed',
        exception_type: 'ProbeFailure',
        exception_message: 'boom',
      },
    ],
    ...overrides,
  }
}

export function worker(overrides: Partial<Worker> = {}): Worker {
  return {
    id: 'worker-1',
    host: 'box-1',
    pid: 4242,
    queues: ['default', 'mail'],
    concurrency: 8,
    active: [],
    processed: 120,
    failed: 3,
    started_at: '2025-01-01T09:00:00Z',
    heartbeat_at: new Date().toISOString(),
    ...overrides,
  }
}

export function schedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    id: '7',
    name: 'nightly-report',
    task_name: 'examples.add',
    kind: 'cron',
    cron: '0 3 * * *',
    interval_seconds: null,
    solar_event: null,
    latitude: null,
    longitude: null,
    run_at: null,
    timezone: 'America/New_York',
    start_at: null,
    expires_at: null,
    enabled: true,
    args: [1, 2],
    kwargs: {},
    queue: 'reports',
    priority: null,
    misfire_policy: 'fire_once',
    catch_up_seconds: 3600,
    source: 'api',
    last_run_at: '2026-03-07T08:00:00Z',
    total_runs: 12,
    next_run_at: '2026-03-08T07:00:00Z',
    ...overrides,
  }
}
