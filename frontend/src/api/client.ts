import { parseJson, stringifyJson } from './json'

/** Where a 422 found the problem in an expression, when the server says: the 1-based field and the character. */
interface ProblemPlace {
  field: number | null
  offset: number | null
}

const NOWHERE: ProblemPlace = { field: null, offset: null }

/** An answer other than 2xx, with the contract's `{"error", "message"}` body (and `field`, `offset`) when there is one. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: number | null
  readonly offset: number | null

  constructor(status: number, code: string, message: string, { field, offset }: ProblemPlace = NOWHERE) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.offset = offset
  }
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

async function send(method: Method, path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method,
    credentials: 'same-origin',
    headers:
      body === undefined
        ? { Accept: 'application/json' }
        : { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : stringifyJson(body),
  })
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text()
  try {
    const body = JSON.parse(text) as { error?: string; message?: string } & Partial<ProblemPlace>
    return new ApiError(response.status, body.error ?? 'http_error', body.message ?? response.statusText, {
      field: body.field ?? null,
      offset: body.offset ?? null,
    })
  } catch {
    return new ApiError(response.status, 'http_error', text || response.statusText || String(response.status))
  }
}

async function read<T>(response: Response): Promise<T> {
  if (!response.ok) {
    throw await errorOf(response)
  }
  if (response.status === 204) {
    return undefined as T
  }
  return parseJson(await response.text()) as T
}

export async function apiGet<T>(path: string): Promise<T> {
  return read<T>(await send('GET', path))
}

export async function apiSend<T>(method: Exclude<Method, 'GET'>, path: string, body?: unknown): Promise<T> {
  return read<T>(await send(method, path, body))
}
