import { useQuery } from '@tanstack/react-query'
import { fetchWorkers } from './api'

export const workerKeys = {
  all: ['workers'] as const,
}

/** What the broker knows of the workers now: fetched once, then replaced by the live stream's snapshots. */
export function useWorkers() {
  return useQuery({ queryKey: workerKeys.all, queryFn: fetchWorkers, staleTime: Infinity })
}
