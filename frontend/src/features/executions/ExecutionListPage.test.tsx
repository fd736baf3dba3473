import { fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import type { RecordedCall } from '../../test/fetchMock'
import { RETRIED_ID, summary } from '../../test/fixtures'
import { VIEWER, renderPage } from '../../test/render'
import { pickZone } from '../../app/zoneChoice'
import { ExecutionListPage } from './ExecutionListPage'

const LIST = 'GET /api/background_tasks/admin/executions'

function lastQuery(calls: RecordedCall[]): Record<string, string> {
  return Object.fromEntries(new URL(calls[calls.length - 1].url, 'http://x').searchParams)
}

function listAnswer() {
  return {
    body: {
      items: [summary(), summary({ id: RETRIED_ID, status: 'success', exception_type: null })],
      total: 120,
      page: 1,
      per_page: 50,
    },
  }
}

describe('ExecutionListPage', () => {
  it('lists executions with their status', async () => {
    mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    const rows = await screen.findAllByTestId('execution-row')
    expect(rows.map((row) => row.dataset.status)).toEqual(['failed', 'success'])
    expect(rows[0].textContent).toContain('2.5 s')
  })

  it('reads its filters from the address', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?status=failed&task_name=examples.fail&page=2' })
    await screen.findAllByTestId('execution-row')
    expect(lastQuery(calls)).toEqual({ status: 'failed', task_name: 'examples.fail', page: '2', per_page: '50' })
    expect((screen.getByTestId('filter-status') as HTMLSelectElement).value).toBe('failed')
  })

  it("lists a workflow's members from the address, until its filter chip is removed", async () => {
    const workflow = '01a21439-4672-7000-9bef-5fad35181c00'
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: `/?workflow=${workflow}` })
    await screen.findAllByTestId('execution-row')
    expect(lastQuery(calls)).toEqual({ workflow, page: '1', per_page: '50' })
    expect(screen.getByTestId('filter-workflow').querySelector('a')?.getAttribute('href')).toBe(`/workflows/${workflow}`)
    fireEvent.click(screen.getByTestId('filter-workflow-remove'))
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/'))
    await waitFor(() => expect(lastQuery(calls)).toEqual({ page: '1', per_page: '50' }))
    expect(screen.queryByTestId('filter-workflow')).toBeNull()
  })

  it('ignores a workflow filter that is not a workflow id', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?workflow=nope' })
    await screen.findAllByTestId('execution-row')
    expect(lastQuery(calls)).toEqual({ page: '1', per_page: '50' })
    expect(screen.queryByTestId('filter-workflow')).toBeNull()
  })

  it('filters by status at once, back on the first page', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?page=3' })
    await screen.findAllByTestId('execution-row')
    fireEvent.change(screen.getByTestId('filter-status'), { target: { value: 'failed' } })
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/?status=failed'))
    await waitFor(() => expect(lastQuery(calls)).toEqual({ status: 'failed', page: '1', per_page: '50' }))
  })

  it('applies the text filters on submit', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    await screen.findAllByTestId('execution-row')
    fireEvent.change(screen.getByTestId('filter-task'), { target: { value: 'examples.flaky' } })
    fireEvent.change(screen.getByTestId('filter-queue'), { target: { value: 'mail' } })
    fireEvent.click(screen.getByTestId('filter-apply'))
    await waitFor(() =>
      expect(lastQuery(calls)).toEqual({ task_name: 'examples.flaky', queue: 'mail', page: '1', per_page: '50' }),
    )
  })

  it('applies the time range as instants, reading the inputs in the browser zone', async () => {
    vi.stubEnv('TZ', 'Asia/Kolkata')
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    await screen.findAllByTestId('execution-row')
    fireEvent.change(screen.getByTestId('filter-since'), { target: { value: '2026-01-31T09:00' } })
    fireEvent.change(screen.getByTestId('filter-until'), { target: { value: '2026-02-01T09:00' } })
    fireEvent.click(screen.getByTestId('filter-apply'))
    const range = { since: '2026-01-31T03:30:00.000Z', until: '2026-02-01T03:30:00.000Z' }
    await waitFor(() => expect(lastQuery(calls)).toEqual({ ...range, page: '1', per_page: '50' }))
    expect(screen.getByTestId('location').textContent).toBe(`/?${new URLSearchParams(range)}`)
  })

  it('shows the time range from the address as the clock of the browser zone', async () => {
    vi.stubEnv('TZ', 'America/New_York')
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?since=2026-07-01T16:30:00Z' })
    await screen.findAllByTestId('execution-row')
    expect(lastQuery(calls).since).toBe('2026-07-01T16:30:00.000Z')
    expect((screen.getByTestId('filter-since') as HTMLInputElement).value).toBe('2026-07-01T12:30')
    expect((screen.getByTestId('filter-until') as HTMLInputElement).value).toBe('')
  })

  it('searches arguments, keyword arguments, result, error, worker and exception type, kept in the address', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    await screen.findAllByTestId('execution-row')
    const typed = {
      args: 'e2e',
      kwargs: 'user=7',
      result: '42',
      error: 'timed out',
      worker: 'worker-1',
      exception_type: 'TimeoutException',
    }
    for (const [name, value] of Object.entries(typed)) {
      fireEvent.change(screen.getByTestId(`filter-${name.replace('_', '-')}`), { target: { value } })
    }
    fireEvent.click(screen.getByTestId('filter-apply'))
    await waitFor(() => expect(lastQuery(calls)).toEqual({ ...typed, page: '1', per_page: '50' }))
    expect(screen.getByTestId('location').textContent).toBe(`/?${new URLSearchParams(typed)}`)
  })

  it('opens the folded search when the address sets one of its fields', async () => {
    mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?args=e2e' })
    await screen.findAllByTestId('execution-row')
    expect((screen.getByTestId('filter-args') as HTMLInputElement).value).toBe('e2e')
    expect(screen.getByTestId('filter-more').closest('details')?.open).toBe(true)
  })

  it('sorts by a column, descending first, then ascending on a second click', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    await screen.findAllByTestId('execution-row')
    fireEvent.click(screen.getByTestId('sort-task_name'))
    await waitFor(() => expect(lastQuery(calls).sort).toBe('-task_name'))
    expect(screen.getByTestId('sort-task_name').closest('th')?.getAttribute('aria-sort')).toBe('descending')
    fireEvent.click(screen.getByTestId('sort-task_name'))
    await waitFor(() => expect(lastQuery(calls).sort).toBe('task_name'))
    expect(screen.getByTestId('location').textContent).toBe('/?sort=task_name')
  })

  it('ignores an unknown sort in the address', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?sort=password' })
    await screen.findAllByTestId('execution-row')
    expect(lastQuery(calls).sort).toBeUndefined()
  })

  it('shows the arguments, cut, in their own column', async () => {
    mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    const cells = await screen.findAllByTestId('execution-args')
    expect(cells[0].textContent).toBe('["boom"]')
  })

  it('pages through the results', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    await screen.findAllByTestId('execution-row')
    expect(screen.getByTestId('page-info').textContent).toBe('Page 1 of 3')
    fireEvent.click(screen.getByTestId('page-next'))
    await waitFor(() => expect(lastQuery(calls).page).toBe('2'))
  })

  it('walks the default order by cursor, so rows dispatched meanwhile neither repeat nor push rows past Next', async () => {
    // The server's pages: the first (by number) and two more, each opened by the cursor the one before ended with.
    const following: Record<string, string | null> = { '': 'after-50', 'after-50': 'after-100', 'after-100': null }
    const calls = mockFetch({
      [LIST]: (call) => {
        const cursor = new URL(call.url, 'http://x').searchParams.get('cursor') ?? ''
        const body = { ...listAnswer().body, total: 150, next_cursor: following[cursor] }
        return { body: cursor === '' ? body : { ...body, page: null } }
      },
    })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    await screen.findAllByTestId('execution-row')
    const next = () => screen.getByTestId('page-next') as HTMLButtonElement
    const previous = () => screen.getByTestId('page-previous') as HTMLButtonElement

    fireEvent.click(next())
    await waitFor(() => expect(lastQuery(calls)).toEqual({ cursor: 'after-50', per_page: '50' }))
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toBe('Page 2 of 3'))
    await waitFor(() => expect(next().disabled).toBe(false))
    fireEvent.click(next())
    await waitFor(() => expect(lastQuery(calls)).toEqual({ cursor: 'after-100', per_page: '50' }))
    await waitFor(() => expect(next().disabled).toBe(true))

    fireEvent.click(previous())
    await waitFor(() => expect(lastQuery(calls)).toEqual({ cursor: 'after-50', per_page: '50' }))
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toBe('Page 2 of 3'))
    fireEvent.click(previous())
    await waitFor(() => expect(lastQuery(calls)).toEqual({ page: '1', per_page: '50' }))
  })

  it('pages by number in any other order, where the server gives no cursor', async () => {
    const calls = mockFetch({ [LIST]: { body: { ...listAnswer().body, next_cursor: null } } })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?sort=task_name' })
    await screen.findAllByTestId('execution-row')
    fireEvent.click(screen.getByTestId('page-next'))
    await waitFor(() => expect(lastQuery(calls)).toEqual({ sort: 'task_name', page: '2', per_page: '50' }))
  })

  it('a search changed on a page reached by cursor starts again on the first page, without the cursor', async () => {
    const calls = mockFetch({ [LIST]: listAnswer() })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?page=4&cursor=after-150' })
    await screen.findAllByTestId('execution-row')
    expect(lastQuery(calls)).toEqual({ cursor: 'after-150', per_page: '50' })
    fireEvent.click(screen.getByTestId('list-dead'))
    await waitFor(() => expect(lastQuery(calls)).toEqual({ list: 'dead', page: '1', per_page: '50' }))
  })

  it('waits for the page it would continue before Next follows a cursor again', async () => {
    let answer: (() => void) | undefined
    const calls = mockFetch({ [LIST]: { body: { ...listAnswer().body, next_cursor: 'after-50' } } })
    renderPage(<ExecutionListPage />, { me: VIEWER })
    await screen.findAllByTestId('execution-row')
    const held = new Promise<void>((resolve) => (answer = resolve))
    const fetch = globalThis.fetch
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      await held
      return fetch(input, init)
    })
    fireEvent.click(screen.getByTestId('page-next'))
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toBe('Page 2 of 3'))
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(true)
    answer?.()
    await waitFor(() => expect(lastQuery(calls)).toEqual({ cursor: 'after-50', per_page: '50' }))
    await waitFor(() => expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(false))
  })
  it('reads the time range in the zone the page shows its times in when UTC is picked', async () => {
    vi.stubEnv('TZ', 'Asia/Kolkata')
    pickZone('utc') // every time on the page, queued_at included, is shown in UTC
    try {
      const calls = mockFetch({ [LIST]: listAnswer() })
      renderPage(<ExecutionListPage />, { me: VIEWER })
      await screen.findAllByTestId('execution-row')
      fireEvent.change(screen.getByTestId('filter-since'), { target: { value: '2026-01-31T09:00' } })
      fireEvent.click(screen.getByTestId('filter-apply'))
      await waitFor(() => expect(lastQuery(calls).since).toBeDefined())
      expect(lastQuery(calls).since).toBe('2026-01-31T09:00:00.000Z')
    } finally {
      pickZone('local')
    }
  })
})
