import { apiGet } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import type { Schema } from '../../api/schemas'

/** The windows the overview offers; the server picks each one's bucket width. */
export const WINDOWS = ['1h', '24h', '7d'] as const
export type OverviewWindow = (typeof WINDOWS)[number]

/** Ended executions by outcome: success, failed, revoked, cancelled. */
export type Outcomes = Record<string, number>

export type OverviewBucket = Schema<'OverviewController.Bucket'>

export type TaskOverview = Schema<'OverviewController.TaskRow'>

export type QueueOverview = Schema<'OverviewController.QueueRow'>

export type StatusCount = Schema<'OverviewController.StatusRow'>

/** `buckets` holds only those where something ended: the page fills the rest of the axis with 0. */
export type Overview = Omit<Schema<'OverviewController.Overview'>, 'window'> & { window: OverviewWindow }

export function fetchOverview(window: OverviewWindow): Promise<Overview> {
  return apiGet(`${ADMIN_API}/overview?window=${window}`)
}
