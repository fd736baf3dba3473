import { useQuery } from '@tanstack/react-query'
import { LIVE_REFRESH_MS } from '../../api/live'
import { fetchWorkers } from './api'

export const workerKeys = {
  all: ['workers'] as const,
}

/** What the broker knows of the workers now, polled. */
export function useWorkers() {
  return useQuery({ queryKey: workerKeys.all, queryFn: fetchWorkers, refetchInterval: LIVE_REFRESH_MS })
}
