import { QueryObserver } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../api/client'
import type { ExecutionSummary, Page } from '../../api/types'
import { createQueryClient } from '../../app/queryClient'
import { RETRIED_ID, summary } from '../../test/fixtures'
import { DEFAULT_FILTERS } from './api'
import { applyExecutionChange } from './live'
import { executionKeys } from './queries'

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A list whose first fetch is in flight asked again once it landed, also when it landed as an error. A 400 (a workflow filter that is not a UUID: an answer, not a glitch, so never retried) is then asked again
 * at every landing while changes keep coming: the list loops on the server, and the error the user must read
 * turns back into "loading" every 100 ms.
 */
describe('applyExecutionChange while a list whose first fetch fails is on its way', () => {
  it('does not ask again, for ever, a list the server refused', async () => {
    const client = createQueryClient(() => {})
    const key = executionKeys.list({ ...DEFAULT_FILTERS, workflow: 'not-a-uuid' })
    let requests = 0
    const observer = new QueryObserver<Page<ExecutionSummary>>(client, {
      queryKey: key,
      queryFn: () => {
        requests++
        return new Promise<Page<ExecutionSummary>>((_, reject) =>
          setTimeout(() => reject(new ApiError(400, 'invalid_parameter', "'workflow' must be a workflow id (a UUID)")), 100))
      },
    })
    const unsubscribe = observer.subscribe(() => {})
    // A busy system: one pushed change every 30 ms, for 900 ms.
    for (let i = 0; i < 30; i++) {
      await tick(30)
      applyExecutionChange(client, summary({ id: RETRIED_ID, status: i % 2 === 0 ? 'running' : 'success' }))
    }
    await tick(150)
    expect(requests, `the refused list was asked ${requests} times`).toBeLessThanOrEqual(2)
    expect(observer.getCurrentResult().status).toBe('error')
    unsubscribe()
  })
})
