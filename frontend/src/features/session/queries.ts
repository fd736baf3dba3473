import { useQuery } from '@tanstack/react-query'
import { fetchMe } from './api'
import type { Permission } from './api'

export const sessionKeys = {
  me: ['me'] as const,
}

export function useMe() {
  return useQuery({ queryKey: sessionKeys.me, queryFn: fetchMe, staleTime: 60_000 })
}

export function useCan(permission: Permission): boolean {
  const { data } = useMe()
  return data?.permissions.includes(permission) ?? false
}
