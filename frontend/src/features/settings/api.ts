import { apiGet, apiSend } from '../../api/client'
import { ADMIN_API } from '../../api/paths'

/** One engine setting stored in the database. */
export interface Setting {
  key: string
  value: string
  /** Read once at start: a change holds after the next restart. */
  requires_restart: boolean
  updated_at: string
}

export function fetchSettings(): Promise<{ items: Setting[] }> {
  return apiGet(`${ADMIN_API}/settings`)
}

export function updateSetting(key: string, value: string): Promise<Setting> {
  return apiSend('PUT', `${ADMIN_API}/settings/${encodeURIComponent(key)}`, { value })
}
