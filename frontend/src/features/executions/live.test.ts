import { QueryClient, QueryObserver } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import type { ExecutionSummary, Page } from '../../api/types'
import { FAILED_ID, RETRIED_ID, summary } from '../../test/fixtures'
import { DEFAULT_FILTERS } from './api'
import type { ExecutionFilters } from './api'
import { applyExecutionChange } from './live'
import { executionKeys } from './queries'

function cached(filters: Partial<ExecutionFilters>, items: ExecutionSummary[]) {
  const client = new QueryClient()
  const key = executionKeys.list({ ...DEFAULT_FILTERS, ...filters })
  client.setQueryData<Page<ExecutionSummary>>(key, { items, total: items.length, page: 1, per_page: 50 })
  return { client, page: () => client.getQueryData<Page<ExecutionSummary>>(key)!, key }
}

describe('applyExecutionChange', () => {
  it('replaces a row on the page in place, without asking the server', () => {
    const { client, page } = cached({}, [summary({ status: 'running', finished_at: null })])
    const refetched = applyExecutionChange(client, summary({ status: 'success' }))
    expect(refetched).toBe(false)
    expect(page().items[0].status).toBe('success')
  })

  it('refetches the first page when a new execution may belong to it', () => {
    const { client } = cached({}, [summary()])
    expect(applyExecutionChange(client, summary({ id: RETRIED_ID, status: 'pending' }))).toBe(true)
  })

  it('leaves a list alone when the change cannot match its task, queue, status or worker', () => {
    const { client } = cached({ task_name: 'examples.fail' }, [summary()])
    expect(applyExecutionChange(client, summary({ id: RETRIED_ID, task_name: 'examples.add' }))).toBe(false)
    const other = cached({ status: 'failed' }, [summary()])
    expect(applyExecutionChange(other.client, summary({ id: RETRIED_ID, status: 'running' }))).toBe(false)
  })

  it('refetches a status-filtered list when a row on it leaves the status', () => {
    const { client, page } = cached({ status: 'running' }, [summary({ id: FAILED_ID, status: 'running' })])
    expect(applyExecutionChange(client, summary({ id: FAILED_ID, status: 'success' }))).toBe(true)
    expect(page().items[0].status).toBe('success')
  })

  it('does not move later pages under the reader for executions that are not on them', () => {
    const client = new QueryClient()
    const key = executionKeys.list({ ...DEFAULT_FILTERS, page: 3 })
    client.setQueryData<Page<ExecutionSummary>>(key, { items: [summary()], total: 200, page: 3, per_page: 50 })
    expect(applyExecutionChange(client, summary({ id: RETRIED_ID }))).toBe(false)
  })

  it('is not undone by a refetch in flight that read the history before the change', async () => {
    const client = new QueryClient()
    const key = executionKeys.list(DEFAULT_FILTERS)
    const running = (): Page<ExecutionSummary> => ({
      items: [summary({ status: 'running', finished_at: null })], total: 1, page: 1, per_page: 50,
    })
    const answers: Array<(page: Page<ExecutionSummary>) => void> = []
    let calls = 0
    const observer = new QueryObserver(client, {
      queryKey: key,
      queryFn: () => (calls++ === 0 ? Promise.resolve(running())
        : new Promise<Page<ExecutionSummary>>((resolve) => answers.push(resolve))),
    })
    const unsubscribe = observer.subscribe(() => {})
    await new Promise((resolve) => setTimeout(resolve, 0))
    // The stream reopens: every list refetches, and this one reads the history while the row still runs.
    void client.invalidateQueries({ queryKey: executionKeys.all })
    await new Promise((resolve) => setTimeout(resolve, 0))
    applyExecutionChange(client, summary({ status: 'success' }))
    answers[0](running()) // the answer of the read made before the change
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(client.getQueryData<Page<ExecutionSummary>>(key)?.items[0].status).toBe('success')
    expect(answers.length).toBe(2)
    answers[1]({ ...running(), items: [summary({ status: 'success' })] }) // asked again, after the change
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(client.getQueryData<Page<ExecutionSummary>>(key)?.items[0].status).toBe('success')
    unsubscribe()
  })
  it('is not lost when it comes while the list is being fetched for the first time', async () => {
    const client = new QueryClient()
    const key = executionKeys.list({ ...DEFAULT_FILTERS, task_name: 'examples.fail' })
    const running = (): Page<ExecutionSummary> => ({
      items: [summary({ status: 'running', finished_at: null })], total: 1, page: 1, per_page: 50,
    })
    const answers: Array<(page: Page<ExecutionSummary>) => void> = []
    const observer = new QueryObserver(client, {
      queryKey: key,
      queryFn: () => new Promise<Page<ExecutionSummary>>((resolve) => answers.push(resolve)),
    })
    const unsubscribe = observer.subscribe(() => {}) // a new filter: its first answer is on its way, no data yet
    await new Promise((resolve) => setTimeout(resolve, 0))
    applyExecutionChange(client, summary({ status: 'success' }))
    answers[0](running()) // the answer of the read made before the change
    await new Promise((resolve) => setTimeout(resolve, 0))
    answers[1]?.({ ...running(), items: [summary({ status: 'success' })] })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(client.getQueryData<Page<ExecutionSummary>>(key)?.items[0].status).toBe('success')
    unsubscribe()
  })
})
