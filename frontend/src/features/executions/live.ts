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
/** Lists whose first answer is on its way and must be asked again once it lands. */
const askAgain = new WeakSet<object>()

export function applyExecutionChange(client: QueryClient, change: ExecutionSummary): boolean {
  let refetch = false
  const lists = client.getQueriesData<Page<ExecutionSummary>>({ queryKey: [...executionKeys.all, 'list'] })
  for (const [key, page] of lists) {
    const filters = key[2] as ExecutionFilters
    if (page === undefined) {
      // Its first answer is on its way (a new filter, a slow search) and may have read the history before this
      // change: once it lands, the list asks again, once however many changes came meanwhile. Cancelled and asked
      // again at each change instead, a busy stream kept a slow list from ever showing.
      const query = client.getQueryCache().find({ queryKey: key, exact: true })
      const landing = query?.promise
      if (query !== undefined && landing !== undefined && mayMatch(filters, change) && !askAgain.has(query)) {
        refetch = true
        askAgain.add(query)
        const again = () => {
          askAgain.delete(query)
          void client.invalidateQueries({ queryKey: key, exact: true })
        }
        // A refused list (a 4xx is an answer) is not asked again: at each landing under a busy stream, it looped.
        landing.then(again, () => askAgain.delete(query))
      }
      continue
    }
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
