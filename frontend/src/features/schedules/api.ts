import { apiGet, apiSend } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import type { Json, MisfirePolicy, Schedule, ScheduleSource, SolarEvent } from '../../api/types'

/** When a schedule fires: its kind and that kind's fields, and nothing else. */
export type ScheduleSpec =
  | { kind: 'cron'; cron: string }
  | { kind: 'interval'; interval_seconds: number }
  | { kind: 'solar'; solar_event: SolarEvent; latitude: number; longitude: number }
  | { kind: 'one_off'; run_at: string }

export type PreviewRequest = ScheduleSpec & {
  timezone: string
  count: number
}

/** The optional parts of a definition; what is left out takes the server's default. */
export interface ScheduleOptions {
  start_at?: string
  expires_at?: string
  queue?: string
  priority?: number
  catch_up_seconds?: number
}

/** The body of POST and PUT. */
export type ScheduleDefinition = ScheduleSpec &
  ScheduleOptions & {
    name: string
    task_name: string
    timezone: string
    enabled: boolean
    args: Json[]
    kwargs: { [key: string]: Json }
    misfire_policy: MisfirePolicy
  }

const SCHEDULES = `${ADMIN_API}/schedules`

function schedulePath(id: string): string {
  return `${SCHEDULES}/${encodeURIComponent(id)}`
}

export function fetchSchedules(): Promise<{ items: Schedule[] }> {
  return apiGet(SCHEDULES)
}

export function fetchSchedule(id: string): Promise<Schedule> {
  return apiGet(schedulePath(id))
}

export function createSchedule(definition: ScheduleDefinition): Promise<Schedule> {
  return apiSend('POST', SCHEDULES, definition)
}

export function updateSchedule(id: string, definition: ScheduleDefinition): Promise<Schedule> {
  return apiSend('PUT', schedulePath(id), definition)
}

export function deleteSchedule(id: string): Promise<void> {
  return apiSend('DELETE', schedulePath(id))
}

export function setScheduleEnabled(id: string, enabled: boolean): Promise<Schedule> {
  return apiSend('POST', `${schedulePath(id)}/${enabled ? 'enable' : 'disable'}`)
}

/** Runs the task now, outside the timetable; answers the new execution's id. */
export function runSchedule(id: string): Promise<{ id: string }> {
  return apiSend('POST', `${schedulePath(id)}/run`)
}

/** The next fire times, as instants with the zone's offset; 422 `invalid_schedule` names the field and character. */
export function previewSchedule(request: PreviewRequest): Promise<{ next: string[] }> {
  return apiSend('POST', `${SCHEDULES}/preview`, request)
}

/** Schedules declared in code or built in answer 409 `declared_in_code` to PUT and DELETE. */
export function isEditable(source: ScheduleSource): source is 'api' {
  return source === 'api'
}
