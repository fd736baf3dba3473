import { useQuery } from '@tanstack/react-query'
import { LIVE_REFRESH_MS } from '../../api/live'
import { fetchOverview } from './api'
import type { OverviewWindow } from './api'

/** The overview of one window, polled like the queues page (it reads aggregates and the broker, not the stream). */
export function useOverview(window: OverviewWindow) {
  return useQuery({
    queryKey: ['overview', window],
    queryFn: () => fetchOverview(window),
    refetchInterval: LIVE_REFRESH_MS,
  })
}
