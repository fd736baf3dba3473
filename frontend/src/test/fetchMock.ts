import { vi } from 'vitest'

export interface RecordedCall {
  method: string
  url: string
  body: unknown
  credentials: RequestCredentials | undefined
}

type Answer = { status?: number; body?: unknown }
type Route = Answer | ((call: RecordedCall) => Answer)

/**
 * Replaces `fetch` with answers keyed by `"METHOD /path"` (the query string is ignored for matching);
 * an unknown route answers 404. Returns the calls made, in order.
 */
export function mockFetch(routes: Record<string, Route>): RecordedCall[] {
  const calls: RecordedCall[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = String(input)
      const method = init.method ?? 'GET'
      const call = {
        method,
        url,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
        credentials: init.credentials,
      }
      calls.push(call)
      const route = routes[`${method} ${url.split('?')[0]}`]
      const answer = typeof route === 'function' ? route(call) : (route ?? { status: 404, body: { error: 'not_found', message: 'no route' } })
      const status = answer.status ?? 200
      return new Response(status === 204 || answer.body === undefined ? null : JSON.stringify(answer.body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      })
    }),
  )
  return calls
}
