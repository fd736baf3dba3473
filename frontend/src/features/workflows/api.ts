import { apiGet, apiSend } from '../../api/client'

export const WORKFLOWS_API = '/api/background_tasks/workflows'

/** One member of a workflow, in tree order; `path` is its JSON path in the canvas (`$.chord.group[1]`). */
export interface WorkflowMember {
  id: string
  task: string
  path: string
  status: string
  result: unknown
  error: string | null
  reason: string | null
  /** ISO instants of its last attempt; null until it started, ended (a cancelled member ends without starting). */
  started_at: string | null
  finished_at: string | null
}

export interface Workflow {
  id: string
  status: string
  result: unknown
  failed_member: string | null
  redrive_of: string | null
  members: WorkflowMember[]
}

export function fetchWorkflow(id: string): Promise<Workflow> {
  return apiGet(`${WORKFLOWS_API}/${encodeURIComponent(id)}`)
}

export function revokeWorkflow(id: string): Promise<unknown> {
  return apiSend('POST', `${WORKFLOWS_API}/${encodeURIComponent(id)}/revoke`)
}

/** Redrive: a new workflow that re-runs the failed step and those after it; answers the new workflow. */
export function redriveWorkflow(id: string): Promise<Workflow> {
  return apiSend('POST', `${WORKFLOWS_API}/${encodeURIComponent(id)}/retry`)
}

/** A workflow's own status is pending or running until every member ended, then success, failed or revoked. */
export function isWorkflowEnded(status: string): boolean {
  return status === 'success' || status === 'failed' || status === 'revoked'
}

/**
 * How deep a member sits in the tree, from its path: one level per step, member or callback below the root
 * (`$.chain[1].group[0]` is 1), the `chord` key itself adding none (`$.chord.group[2]` and `$.chord.then` are 0).
 */
export function depthOf(path: string): number {
  return path.split('.').slice(1).filter((segment) => segment !== 'chord').length - 1
}

/** The member's place among its siblings: its path's last segment (`group[2]`, `then`, `link_error`). */
export function placeOf(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1)
}
