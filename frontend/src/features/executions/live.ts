import type { QueryClient } from '@tanstack/react-query'
import type { ExecutionSummary, Page } from '../../api/types'
import { LIST_STATUS } from './api'
import type { ExecutionFilters } from './api'
import { executionKeys } from './queries'

/** Whether the change could belong to the list, judged by the filters the browser can check itself. */
function mayMatch(filters: ExecutionFilters, change: ExecutionSummary): boolean {
  return (
    (filters.list === '' || LIST_STATUS[filters.list] === change.status) &&
    (filters.status === '' || filters.status === change.status) &&
    (filters.task_name === '' || filters.task_name === change.task_name) &&
    (filters.queue === '' || filters.queue === change.queue) &&
    (filters.worker === '' || filters.worker === change.worker)
  )
}

/**
 * Brings the cached lists and details up to date with one pushed change, asking the server as little as possible:
 * a row on a cached page is replaced in place (no request); a row that leaves a status-filtered page, one that may
 * join the first page of a list, or one on a page whose refetch (or first fetch) is in flight makes that list
 * refetch once; a cached detail of it refetches (the push carries the summary, not the detail). Answers whether
 * some list was refetched.
 */
export function applyExecutionChange(client: QueryClient, change: ExecutionSummary): boolean {
  let refetch = false
  const lists = client.getQueriesData<Page<ExecutionSummary>>({ queryKey: [...executionKeys.all, 'list'] })
  for (const [key, page] of lists) {
    if (page === undefined) {
      // Its first answer is on its way and read the history before this change (a new filter, a slow search): it is
      // cancelled, then asked again. Invalidated alone, TanStack hands a query with no data its running fetch.
      if (client.isFetching({ queryKey: key, exact: true }) > 0) {
        refetch = true
        void client
          .cancelQueries({ queryKey: key, exact: true })
          .then(() => client.invalidateQueries({ queryKey: key, exact: true }))
      }
      continue
    }
    const filters = key[2] as ExecutionFilters
    const index = page.items.findIndex((item) => item.id === change.id)
    if (index >= 0) {
      const items = page.items.slice()
      items[index] = { ...items[index], ...change }
      client.setQueryData(key, { ...page, items })
      // A refetch in flight read the history before this change, and its answer would put the row back as it was
      // (an ended execution shown running, with no event to come): it is cancelled and asked again.
      if (!mayMatch(filters, change) || client.isFetching({ queryKey: key, exact: true }) > 0) {
        refetch = true
        void client.invalidateQueries({ queryKey: key, exact: true })
      }
    } else if (filters.page === 1 && mayMatch(filters, change)) {
      refetch = true
      void client.invalidateQueries({ queryKey: key, exact: true })
    }
  }
  void client.invalidateQueries({ queryKey: executionKeys.detail(change.id), exact: true })
  return refetch
}
