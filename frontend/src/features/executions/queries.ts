import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { LIVE_REFRESH_MS } from '../../api/live'
import { fetchExecution, fetchExecutions, isFinished } from './api'
import type { ExecutionFilters } from './api'

/** Every key starts with `all`, so that invalidating it after an action refreshes the lists and the details. */
export const executionKeys = {
  all: ['executions'] as const,
  list: (filters: ExecutionFilters) => [...executionKeys.all, 'list', filters] as const,
  detail: (id: string) => [...executionKeys.all, 'detail', id] as const,
}

/** A page of the list, polled; the page on screen stays while the next one loads. */
export function useExecutions(filters: ExecutionFilters) {
  return useQuery({
    queryKey: executionKeys.list(filters),
    queryFn: () => fetchExecutions(filters),
    refetchInterval: LIVE_REFRESH_MS,
    placeholderData: keepPreviousData,
  })
}

/** One execution, polled until it has finished (then it no longer changes). */
export function useExecution(id: string) {
  return useQuery({
    queryKey: executionKeys.detail(id),
    queryFn: () => fetchExecution(id),
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data.status) ? false : LIVE_REFRESH_MS),
  })
}
