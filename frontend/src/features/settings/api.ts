import { apiGet, apiSend } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import type { Schema } from '../../api/schemas'

/**
 * One engine setting stored in the database: its `kind` (how it is edited) and when a change takes effect (`applies`:
 * `next_use`, `within_seconds` through the Redis copy, or `restart`).
 */
export type Setting = Schema<'SettingsController.SettingView'>

export function fetchSettings(): Promise<{ items: Setting[] }> {
  return apiGet(`${ADMIN_API}/settings`)
}

export function updateSetting(key: string, value: string): Promise<Setting> {
  return apiSend('PUT', `${ADMIN_API}/settings/${encodeURIComponent(key)}`, { value })
}
