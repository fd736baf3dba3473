import { apiGet } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import type { WorkersSnapshot } from '../../api/types'

export function fetchWorkers(): Promise<WorkersSnapshot> {
  return apiGet(`${ADMIN_API}/workers`)
}
