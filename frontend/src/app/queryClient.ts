import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query'
import { ApiError, isUnauthorized } from '../api/client'

const MAX_RETRIES = 2

/** Client errors (4xx) are answers, not glitches: only network failures and 5xx are retried. */
function shouldRetry(failures: number, error: unknown): boolean {
  return !(error instanceof ApiError && error.status < 500) && failures < MAX_RETRIES
}

/** A query client that calls `onUnauthorized` whenever the API answers 401. */
export function createQueryClient(onUnauthorized: () => void): QueryClient {
  const handle = (error: unknown) => {
    if (isUnauthorized(error)) {
      onUnauthorized()
    }
  }
  return new QueryClient({
    queryCache: new QueryCache({ onError: handle }),
    mutationCache: new MutationCache({ onError: handle }),
    defaultOptions: { queries: { retry: shouldRetry } },
  })
}
