import { QueryClient, QueryObserver } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import type { ExecutionSummary, Page } from '../../api/types'
import { RETRIED_ID, summary } from '../../test/fixtures'
import { DEFAULT_FILTERS } from './api'
import { applyExecutionChange } from './live'
import { executionKeys } from './queries'

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms))

/** A list whose first answer is on its way keeps it, and asks again once, only for changes that may belong to it. */
describe('applyExecutionChange while a list is fetched for the first time', () => {
  it('keeps the first answer of a filtered list when the change cannot belong to it', async () => {
    const client = new QueryClient()
    const key = executionKeys.list({ ...DEFAULT_FILTERS, task_name: 'examples.fail' })
    const answers: Array<(page: Page<ExecutionSummary>) => void> = []
    const observer = new QueryObserver(client, {
      queryKey: key,
      queryFn: () => new Promise<Page<ExecutionSummary>>((resolve) => answers.push(resolve)),
    })
    const unsubscribe = observer.subscribe(() => {})
    await tick()
    // Another task's execution: mayMatch says it cannot be on this list.
    applyExecutionChange(client, summary({ id: RETRIED_ID, task_name: 'examples.add' }))
    answers[0]({ items: [summary({ task_name: 'examples.fail' })], total: 1, page: 1, per_page: 50 })
    await tick()
    expect(client.getQueryData<Page<ExecutionSummary>>(key)?.total).toBe(1)
    expect(answers.length).toBe(1)
    unsubscribe()
  })

  it('shows the list at last while changes keep coming faster than the list answers', async () => {
    const client = new QueryClient()
    const key = executionKeys.list(DEFAULT_FILTERS)
    let requests = 0
    const observer = new QueryObserver(client, {
      queryKey: key,
      queryFn: () => {
        requests++
        // A search that takes 100 ms on the server.
        return new Promise<Page<ExecutionSummary>>((resolve) =>
          setTimeout(() => resolve({ items: [summary()], total: 1, page: 1, per_page: 50 }), 100))
      },
    })
    const unsubscribe = observer.subscribe(() => {})
    // A busy system: one pushed change every 30 ms, for 900 ms (nine times as long as the search takes).
    for (let i = 0; i < 30; i++) {
      await tick(30)
      applyExecutionChange(client, summary({ id: RETRIED_ID, status: i % 2 === 0 ? 'running' : 'success' }))
    }
    expect(client.getQueryData<Page<ExecutionSummary>>(key), `no answer kept after ${requests} requests`)
      .toBeDefined()
    unsubscribe()
  })
})
