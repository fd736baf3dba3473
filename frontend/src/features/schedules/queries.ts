import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { LIVE_REFRESH_MS } from '../../api/live'
import { fetchSchedule, fetchSchedules, previewSchedule } from './api'
import type { PreviewRequest } from './api'

/**
 * The list and each schedule start with `all`, so that a change refreshes both. Previews do not: they depend only
 * on the expression typed, which no change to a stored schedule alters.
 */
export const scheduleKeys = {
  all: ['schedules'] as const,
  list: () => [...scheduleKeys.all, 'list'] as const,
  detail: (id: string) => [...scheduleKeys.all, 'detail', id] as const,
  preview: (request: PreviewRequest | null) => ['schedule-preview', request] as const,
}

/** Every schedule, polled, so that last and next runs move on while the page is open. */
export function useSchedules() {
  return useQuery({ queryKey: scheduleKeys.list(), queryFn: fetchSchedules, refetchInterval: LIVE_REFRESH_MS })
}

/** A schedule as the server has it now: nothing is kept once the form closes, so editing never starts stale. */
export function useSchedule(id: string) {
  return useQuery({ queryKey: scheduleKeys.detail(id), queryFn: () => fetchSchedule(id), gcTime: 0 })
}

/** The next runs of a spec, once there is one; the last answer stays while the next is asked. */
export function useSchedulePreview(request: PreviewRequest | null) {
  return useQuery({
    queryKey: scheduleKeys.preview(request),
    queryFn: () => previewSchedule(request!),
    enabled: request !== null,
    placeholderData: keepPreviousData,
  })
}
