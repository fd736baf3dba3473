import { describe, expect, it, vi } from 'vitest'
import { createQueryClient } from '../app/queryClient'
import { mockFetch } from '../test/fetchMock'
import { ApiError, apiGet, apiSend } from './client'

describe('the API client', () => {
  it('sends the session cookie and reads JSON', async () => {
    const calls = mockFetch({ 'GET /api/x': { body: { ok: true } } })
    expect(await apiGet('/api/x')).toEqual({ ok: true })
    expect(calls[0].credentials).toBe('same-origin')
  })

  it('turns the contract error body into an ApiError', async () => {
    mockFetch({ 'POST /api/x': { status: 409, body: { error: 'not_retryable', message: 'status is success' } } })
    const failure = await apiSend('POST', '/api/x').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ApiError)
    expect(failure).toMatchObject({ status: 409, code: 'not_retryable', message: 'status is success' })
  })

  it('keeps where a 422 found the problem', async () => {
    mockFetch({
      'POST /api/x': { status: 422, body: { error: 'invalid_schedule', message: 'minute 61 out of range', field: 1, offset: 0 } },
    })
    const failure = await apiSend('POST', '/api/x').catch((error: unknown) => error)
    expect(failure).toMatchObject({ status: 422, code: 'invalid_schedule', field: 1, offset: 0 })
  })

  it('answers nothing for 204', async () => {
    mockFetch({ 'DELETE /api/x': { status: 204 } })
    expect(await apiSend('DELETE', '/api/x')).toBeUndefined()
  })
})

describe('the query client', () => {
  it('reports a 401 from any query so the app can send the user to the login', async () => {
    mockFetch({ 'GET /api/x': { status: 401, body: { error: 'unauthorized', message: 'sign in' } } })
    const onUnauthorized = vi.fn()
    const client = createQueryClient(onUnauthorized)
    await client.fetchQuery({ queryKey: ['x'], queryFn: () => apiGet('/api/x') }).catch(() => undefined)
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })

  it('does not retry client errors', async () => {
    const calls = mockFetch({ 'GET /api/x': { status: 404, body: { error: 'not_found', message: 'gone' } } })
    const client = createQueryClient(vi.fn())
    await client.fetchQuery({ queryKey: ['x'], queryFn: () => apiGet('/api/x') }).catch(() => undefined)
    expect(calls).toHaveLength(1)
  })
})
