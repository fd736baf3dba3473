import { apiGet, apiSend } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import type { LoginAnswer, Me } from '../../api/types'

export const PERMISSIONS = {
  manage: 'background_tasks.manage',
  admin: 'background_tasks.admin',
} as const

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS]

export function fetchMe(): Promise<Me> {
  return apiGet<Me>(`${ADMIN_API}/me`)
}

export function login(username: string, password: string): Promise<LoginAnswer> {
  return apiSend('POST', '/login', { username, password })
}

export function logout(): Promise<void> {
  return apiSend('POST', '/logout')
}
