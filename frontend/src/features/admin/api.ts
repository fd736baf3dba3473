import { apiGet, apiSend } from '../../api/client'
import { ADMIN_API } from '../../api/paths'
import type { ApiToken, AuditEntry, CreatedToken, Page, Role, User } from '../../api/types'
import { auditSearch } from './audit'
import type { AuditFilters } from './audit'

export interface NewUser {
  username: string
  password: string
  roles: string[]
}

export interface UserChange {
  password?: string
  roles?: string[]
  disabled?: boolean
}

export interface NewToken {
  name: string
  roles: string[]
}

export function fetchUsers(): Promise<{ items: User[] }> {
  return apiGet(`${ADMIN_API}/users`)
}

export function createUser(user: NewUser): Promise<User> {
  return apiSend('POST', `${ADMIN_API}/users`, user)
}

export function updateUser(id: string, change: UserChange): Promise<User> {
  return apiSend('PATCH', `${ADMIN_API}/users/${encodeURIComponent(id)}`, change)
}

export function deleteUser(id: string): Promise<void> {
  return apiSend('DELETE', `${ADMIN_API}/users/${encodeURIComponent(id)}`)
}

export function fetchTokens(): Promise<{ items: ApiToken[] }> {
  return apiGet(`${ADMIN_API}/tokens`)
}

export function createToken(token: NewToken): Promise<CreatedToken> {
  return apiSend('POST', `${ADMIN_API}/tokens`, token)
}

export function deleteToken(id: string): Promise<void> {
  return apiSend('DELETE', `${ADMIN_API}/tokens/${encodeURIComponent(id)}`)
}

export function fetchRoles(): Promise<{ items: Role[] }> {
  return apiGet(`${ADMIN_API}/roles`)
}

export function fetchAudit(filters: AuditFilters, page: number, perPage: number): Promise<Page<AuditEntry>> {
  const query = auditSearch(filters)
  query.set('page', String(page))
  query.set('per_page', String(perPage))
  return apiGet(`${ADMIN_API}/audit?${query.toString()}`)
}
