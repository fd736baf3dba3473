import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { fetchAudit, fetchRoles, fetchTokens, fetchUsers } from './api'
import type { AuditFilters } from './audit'

export const userKeys = {
  all: ['users'] as const,
}

export const tokenKeys = {
  all: ['tokens'] as const,
}

export const roleKeys = {
  all: ['roles'] as const,
}

export const auditKeys = {
  all: ['audit'] as const,
  page: (filters: AuditFilters, page: number, perPage: number) => [...auditKeys.all, filters, page, perPage] as const,
}

export function useUsers() {
  return useQuery({ queryKey: userKeys.all, queryFn: fetchUsers })
}

export function useTokens() {
  return useQuery({ queryKey: tokenKeys.all, queryFn: fetchTokens })
}

/** The roles are fixed while the server runs: asked once. */
export function useRoles() {
  return useQuery({ queryKey: roleKeys.all, queryFn: fetchRoles, staleTime: Infinity })
}

/** A page of the audit log; the page on screen stays while the next one loads. */
export function useAudit(filters: AuditFilters, page: number, perPage: number) {
  return useQuery({
    queryKey: auditKeys.page(filters, page, perPage),
    queryFn: () => fetchAudit(filters, page, perPage),
    placeholderData: keepPreviousData,
  })
}
