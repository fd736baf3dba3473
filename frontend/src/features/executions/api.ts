import { apiGet, apiSend } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import { t } from '../../i18n'
import { EXECUTION_STATUSES } from '../../api/types'
import type { ExecutionDetail, ExecutionStatus, ExecutionSummary, Page, Revocation } from '../../api/types'

/** The list's sort keys (the server's `sort`); a leading `-` in the address means descending. */
export const SORT_KEYS = [
  'queued_at',
  'started_at',
  'finished_at',
  'task_name',
  'status',
  'queue',
  'worker',
  'retries',
  'duration',
] as const

export type SortKey = (typeof SORT_KEYS)[number]

/**
 * The operators' lists beside the whole history (`''`): failures waiting for their next attempt, executions waiting
 * for a countdown or eta, and failures after their retries that nobody discarded.
 */
export const EXECUTION_LISTS = ['', 'retrying', 'scheduled', 'dead'] as const

export type ExecutionList = (typeof EXECUTION_LISTS)[number]

/** The list's name, for the page's title. */
export function listTitle(list: ExecutionList): string {
  return list === '' ? t('index.title') : t(`lists.${list}`)
}

/** The one status each list holds, so that the browser can tell whether a pushed change may belong to it. */
export const LIST_STATUS: Record<Exclude<ExecutionList, ''>, ExecutionStatus> = {
  retrying: 'retrying',
  scheduled: 'pending',
  dead: 'failed',
}

export interface ExecutionFilters {
  list: ExecutionList
  status: ExecutionStatus | ''
  task_name: string
  queue: string
  q: string
  /** A value among the arguments, or a JSON array they contain. */
  args: string
  /** `key=value`, or a JSON object the keyword arguments contain. */
  kwargs: string
  /** JSON the result contains (a plain word is a JSON string). */
  result: string
  /** Words of the exception type or message. */
  error: string
  worker: string
  exception_type: string
  /** A workflow id: only that workflow's members. */
  workflow: string
  /** A sort key, `-` first for descending. */
  sort: string
  /** ISO instant (`Z`): queued at or after. */
  since: string
  /** ISO instant (`Z`): queued before. */
  until: string
  page: number
  per_page: number
  /**
   * Where a walk through the default order reached: the page opens after this (the API's `next_cursor`), so rows
   * dispatched meanwhile are not seen again on the next page; `page` then only numbers it. Empty: page by number.
   */
  cursor: string
}

export const DEFAULT_FILTERS: ExecutionFilters = {
  list: '',
  status: '',
  task_name: '',
  queue: '',
  q: '',
  args: '',
  kwargs: '',
  result: '',
  error: '',
  worker: '',
  exception_type: '',
  workflow: '',
  sort: '-queued_at',
  since: '',
  until: '',
  page: 1,
  per_page: 50,
  cursor: '',
}

export const MAX_PER_PAGE = 200

/** A page number or size read from the address: a whole number from 1 (up to `max`), else `fallback`. */
export function positiveInteger(text: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text)
  return Number.isInteger(value) && value >= 1 ? Math.min(value, max) : fallback
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/** An ISO-8601 instant with `Z` or an offset, as `Z`; empty for anything else. */
function instant(text: string | null): string {
  const time = text !== null && INSTANT.test(text) ? Date.parse(text) : NaN
  return Number.isNaN(time) ? '' : new Date(time).toISOString()
}

function isStatus(text: string | null): text is ExecutionStatus {
  return EXECUTION_STATUSES.includes(text as ExecutionStatus)
}

function sortOf(text: string | null): string {
  const key = text?.replace(/^-/, '') ?? ''
  return SORT_KEYS.includes(key as SortKey) ? (text as string) : DEFAULT_FILTERS.sort
}

/** The sort after a click on a column: the same column flips its direction, another starts descending. */
export function nextSort(current: string, key: SortKey): string {
  if (current === `-${key}`) {
    return key
  }
  return `-${key}`
}

/** Reads the list's filters from the page's address; anything missing or malformed takes its default. */
export function filtersFromSearch(params: URLSearchParams): ExecutionFilters {
  const status = params.get('status')
  const text = (name: string) => params.get(name)?.trim() ?? ''
  const list = params.get('list')
  const sort = sortOf(params.get('sort'))
  return {
    list: EXECUTION_LISTS.includes(list as ExecutionList) ? (list as ExecutionList) : '',
    status: isStatus(status) ? status : '',
    task_name: text('task_name'),
    queue: text('queue'),
    q: text('q'),
    args: text('args'),
    kwargs: text('kwargs'),
    result: text('result'),
    error: text('error'),
    worker: text('worker'),
    exception_type: text('exception_type'),
    workflow: isExecutionId(text('workflow')) ? text('workflow') : '',
    sort,
    since: instant(params.get('since')),
    until: instant(params.get('until')),
    page: positiveInteger(params.get('page'), DEFAULT_FILTERS.page),
    per_page: positiveInteger(params.get('per_page'), DEFAULT_FILTERS.per_page, MAX_PER_PAGE),
    // The server's cursor pages the default order only.
    cursor: sort === DEFAULT_FILTERS.sort ? text('cursor') : '',
  }
}

/** The filters that differ from the defaults, for the page's address. */
export function searchFromFilters(filters: ExecutionFilters): URLSearchParams {
  const params = new URLSearchParams()
  for (const key of Object.keys(DEFAULT_FILTERS) as (keyof ExecutionFilters)[]) {
    const value = String(filters[key]).trim()
    if (value !== '' && value !== String(DEFAULT_FILTERS[key])) {
      params.set(key, value)
    }
  }
  return params
}

/** The API query: every non-empty filter, the page's size, and the cursor or else the page's number. */
export function executionsQuery(filters: ExecutionFilters): string {
  const params = searchFromFilters(filters)
  if (filters.cursor === '') {
    params.set('page', String(filters.page))
  } else {
    params.delete('page')
  }
  params.set('per_page', String(filters.per_page))
  return params.toString()
}

export function fetchExecutions(filters: ExecutionFilters): Promise<Page<ExecutionSummary>> {
  return apiGet(`${ADMIN_API}/executions?${executionsQuery(filters)}`)
}

function executionPath(id: string): string {
  return `${ADMIN_API}/executions/${encodeURIComponent(id)}`
}

export function fetchExecution(id: string): Promise<ExecutionDetail> {
  return apiGet(executionPath(id))
}

/** What a bulk action would touch (a dry run), or touched. */
export interface BulkAnswer {
  matched: number
  /** A dry run's: the executions one action would take (at most 10,000, newest first), to be confirmed as such. */
  ids?: string[]
  retried?: string[]
  /** Matches a bulk retry could not dispatch again, by id: why. */
  refused?: Record<string, string>
  discarded?: string[]
}

export type BulkAction = 'retry' | 'discard'

/** A bulk action over the list's search, or over `ids` (a selection) within it; `dryRun` only counts. */
export function runBulk(action: BulkAction, filters: ExecutionFilters, ids: string[] | null, dryRun: boolean): Promise<BulkAnswer> {
  const search: Record<string, unknown> = Object.fromEntries(searchFromFilters({ ...filters, sort: DEFAULT_FILTERS.sort }))
  delete search.page
  delete search.per_page
  delete search.cursor
  return apiSend('POST', `${ADMIN_API}/executions/bulk-${action}`, { ...search, ids, dry_run: dryRun })
}

/** Runs a retrying or scheduled execution now; `retries` is what the page showed, so a later retry is left alone. */
export function runNow(id: string, retries: number): Promise<{ id: string; promoted: boolean }> {
  return apiSend('POST', `${executionPath(id)}/run-now?retries=${retries}`)
}

export function retryExecution(id: string): Promise<ExecutionDetail> {
  return apiSend('POST', `${executionPath(id)}/retry`)
}

export function revokeExecution(id: string): Promise<Revocation> {
  return apiSend('POST', `${executionPath(id)}/revoke`)
}

const RETRYABLE: ReadonlySet<ExecutionStatus> = new Set(['failed', 'stuck'])
const FINISHED: ReadonlySet<ExecutionStatus> = new Set(['success', 'failed', 'revoked', 'cancelled'])

/** The server retries only failed and stuck executions (409 `not_retryable` otherwise). */
export function isRetryable(status: ExecutionStatus): boolean {
  return RETRYABLE.has(status)
}

/** Finished executions cannot be revoked (409 `already_finished`) and no longer change. */
export function isFinished(status: ExecutionStatus): boolean {
  return FINISHED.has(status)
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isExecutionId(text: string): boolean {
  return UUID.test(text)
}
