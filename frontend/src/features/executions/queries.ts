import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { fetchExecution, fetchExecutions } from './api'
import type { ExecutionFilters } from './api'

/** Every key starts with `all`, so that invalidating it after an action refreshes the lists and the details. */
export const executionKeys = {
  all: ['executions'] as const,
  list: (filters: ExecutionFilters) => [...executionKeys.all, 'list', filters] as const,
  detail: (id: string) => [...executionKeys.all, 'detail', id] as const,
}

/**
 * A page of the list; the page on screen stays while the next one loads. Not polled: the live stream patches it
 * or refetches it when a change is pushed (app/LiveStream.tsx, ./live.ts).
 */
export function useExecutions(filters: ExecutionFilters) {
  return useQuery({
    queryKey: executionKeys.list(filters),
    queryFn: () => fetchExecutions(filters),
    placeholderData: keepPreviousData,
  })
}

/** One execution; refetched when the live stream pushes a change of it. */
export function useExecution(id: string) {
  return useQuery({ queryKey: executionKeys.detail(id), queryFn: () => fetchExecution(id) })
}
