import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { ReactNode } from 'react'
import { RECONNECT_MS, STREAM_PATH } from '../api/live'
import type { ExecutionSummary, WorkersSnapshot } from '../api/types'
import { applyExecutionChange } from '../features/executions/live'
import { executionKeys } from '../features/executions/queries'
import { sessionKeys } from '../features/session/queries'
import { workerKeys } from '../features/workers/queries'
import { ConnectionContext } from './connection'
import type { ConnectionState } from './connection'
import { parseJson } from '../api/json'

/**
 * One event stream for the signed-in app: pushed execution changes update the cached lists and details, and
 * the workers snapshot replaces the cached one, so those pages never poll. Each time the stream opens, the first
 * time as after a drop, everything it feeds is refetched: changes made before it was open were not pushed to it
 * (a page fetched while the stream was still connecting kept its state for good when its execution ended then).
 */
export function LiveStream({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient()
  const [connection, setConnection] = useState<ConnectionState>({ state: 'connecting', lastEventAt: null })

  useEffect(() => {
    let source: EventSource | null = null
    let retry: ReturnType<typeof setTimeout> | undefined

    const heard = () => setConnection({ state: 'live', lastEventAt: Date.now() })
    const offline = () => setConnection((current) => ({ ...current, state: 'offline' }))

    function open() {
      clearTimeout(retry)
      source?.close()
      source = new EventSource(STREAM_PATH, { withCredentials: true })
      source.onopen = () => {
        heard()
        void queryClient.invalidateQueries({ queryKey: executionKeys.all })
        void queryClient.invalidateQueries({ queryKey: workerKeys.all })
      }
      source.onerror = () => {
        offline()
        if (source?.readyState === EventSource.CLOSED) {
          // An EventSource cannot see a 401: the server ends a stream whose session ended, and only asking who
          // the user is (a 401 there signs out) tells that from a network drop, which the reconnect rides out.
          void queryClient.invalidateQueries({ queryKey: sessionKeys.me })
          retry = setTimeout(open, RECONNECT_MS)
        }
      }
      source.addEventListener('execution', (event) => {
        heard()
        applyExecutionChange(queryClient, parseJson((event as MessageEvent<string>).data) as ExecutionSummary)
      })
      source.addEventListener('workers', (event) => {
        heard()
        queryClient.setQueryData(workerKeys.all, JSON.parse((event as MessageEvent<string>).data) as WorkersSnapshot)
      })
    }

    open()
    window.addEventListener('offline', offline)
    window.addEventListener('online', open)
    return () => {
      clearTimeout(retry)
      source?.close()
      window.removeEventListener('offline', offline)
      window.removeEventListener('online', open)
    }
  }, [queryClient])

  return <ConnectionContext.Provider value={connection}>{children}</ConnectionContext.Provider>
}
