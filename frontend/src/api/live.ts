import { ADMIN_API } from './paths'

/**
 * How often the pages the stream does not feed (queues and their charts, schedules) poll; React Query pauses
 * while the tab is hidden. Executions and workers come over the stream instead.
 */
export const LIVE_REFRESH_MS = 2_000

/** Server-sent events: `execution` (an execution summary) on each change, `workers` every 2 s. */
export const STREAM_PATH = `${ADMIN_API}/stream`

/** After the stream closes, how long before a new one is opened (the browser's own retry covers other drops). */
export const RECONNECT_MS = 3_000

/** `connecting` until the first open, `live` while events can arrive, `offline` after a drop until reconnected. */
export type Connection = 'connecting' | 'live' | 'offline'
