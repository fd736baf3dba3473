import type { AuditEntry } from '../../api/types'
import { isExecutionId } from '../executions/api'

/** What the audit page filters by, each matched exactly; kept in the page's address. */
export interface AuditFilters {
  username: string
  action: string
  target: string
}

export const AUDIT_FILTER_NAMES = ['username', 'action', 'target'] as const

export function auditFiltersFrom(params: URLSearchParams): AuditFilters {
  const [username, action, target] = AUDIT_FILTER_NAMES.map((name) => params.get(name)?.trim() ?? '')
  return { username, action, target }
}

/** The page's address for these filters: only those set. */
export function auditSearch(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams()
  AUDIT_FILTER_NAMES.filter((name) => filters[name] !== '').forEach((name) => params.set(name, filters[name]))
  return params
}

/**
 * Where an entry's target lives in the app: an execution's detail (retry, revoke, run now, discard), the schedules
 * (schedule actions name the schedule), the users page (users and tokens); null for a target the app has no page
 * for, or none.
 */
export function targetLink(entry: Pick<AuditEntry, 'action' | 'target'>): string | null {
  if (entry.target === null || entry.target === '') {
    return null
  }
  if (isExecutionId(entry.target)) {
    return `/${entry.target}`
  }
  if (entry.action.endsWith('_schedule')) {
    return '/schedules'
  }
  if (entry.action.endsWith('_user') || entry.action.endsWith('_token')) {
    return '/users'
  }
  return null
}
