import { useQuery } from '@tanstack/react-query'
import { LIVE_REFRESH_MS } from '../../api/live'
import { fetchQueues, fetchStats } from './api'

export const queueKeys = {
  all: ['queues'] as const,
  list: () => [...queueKeys.all, 'list'] as const,
  stats: (minutes: number) => [...queueKeys.all, 'stats', minutes] as const,
}

/** Each queue's depth and its throughput per minute, polled. */
export function useQueues() {
  return useQuery({ queryKey: queueKeys.list(), queryFn: fetchQueues, refetchInterval: LIVE_REFRESH_MS })
}

/** Successes and failures per minute over the last `minutes`, polled. */
export function useOutcomeStats(minutes: number) {
  return useQuery({
    queryKey: queueKeys.stats(minutes),
    queryFn: () => fetchStats(minutes),
    refetchInterval: LIVE_REFRESH_MS,
  })
}
