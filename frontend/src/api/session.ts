import { useQuery } from '@tanstack/react-query'
import { apiGet } from './client'
import { ADMIN_API } from './paths'
import type { Me } from './types'

export const PERMISSIONS = {
  manage: 'background_tasks.manage',
  admin: 'background_tasks.admin',
} as const

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS]

export const ME_KEY = ['me'] as const

function fetchMe(): Promise<Me> {
  return apiGet<Me>(`${ADMIN_API}/me`)
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 60_000 })
}

export function useCan(permission: Permission): boolean {
  const { data } = useMe()
  return data?.permissions.includes(permission) ?? false
}
