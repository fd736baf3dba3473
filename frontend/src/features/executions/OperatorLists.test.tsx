import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import type { RecordedCall } from '../../test/fetchMock'
import { FAILED_ID, RETRIED_ID, summary } from '../../test/fixtures'
import { OPERATOR, VIEWER, renderPage } from '../../test/render'
import { ExecutionListPage } from './ExecutionListPage'

const EXECUTIONS = '/api/background_tasks/admin/executions'
const LIST = `GET ${EXECUTIONS}`
const OTHER_ID = '7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59'

function page(...items: ReturnType<typeof summary>[]) {
  return { body: { items, total: items.length, page: 1, per_page: 50 } }
}

/** The bulk endpoint: a dry run counts `matched` (these ids), a real run retries or discards `done`. */
function bulk(matched: number, done: string[], key: 'retried' | 'discarded') {
  return (call: RecordedCall) => {
    const body = call.body as { dry_run: boolean }
    return { body: body.dry_run ? { matched, ids: done } : { matched, [key]: done } }
  }
}

function posts(calls: RecordedCall[], path: string) {
  return calls.filter((call) => call.method === 'POST' && call.url.startsWith(`${EXECUTIONS}/${path}`))
}

describe('the operators lists', () => {
  it('offers every list as a tab that keeps the search and drops the status', async () => {
    const calls = mockFetch({ [LIST]: page(summary()) })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?status=failed&args=boom&page=2' })
    await screen.findAllByTestId('execution-row')
    fireEvent.click(screen.getByTestId('list-dead'))
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/?list=dead&args=boom'))
    await waitFor(() => expect(new URL(calls.at(-1)!.url, 'http://x').searchParams.get('list')).toBe('dead'))
    expect(screen.getByTestId('list-dead').getAttribute('aria-current')).toBe('page')
    expect(document.title).toBe('Dead · Chard')
    expect(screen.getByTestId('list-hint').textContent).toMatch(/history stays/)
  })

  it('shows a viewer the Dead list without selection or bulk actions', async () => {
    mockFetch({ [LIST]: page(summary()) })
    renderPage(<ExecutionListPage />, { me: VIEWER, at: '/?list=dead' })
    await screen.findAllByTestId('execution-row')
    expect(screen.queryByTestId('bulk-actions')).toBeNull()
    expect(screen.queryByTestId('select-row')).toBeNull()
  })

  it('retries all matching only after the operator confirms the number the server counted', async () => {
    const calls = mockFetch({
      [LIST]: page(summary(), summary({ id: OTHER_ID })),
      [`POST ${EXECUTIONS}/bulk-retry`]: bulk(2, [RETRIED_ID, FAILED_ID], 'retried'),
    })
    renderPage(<ExecutionListPage />, { me: OPERATOR, at: '/?list=dead&task_name=examples.fail' })
    await screen.findAllByTestId('execution-row')

    fireEvent.click(screen.getByTestId('bulk-retry-all'))
    const dialog = await screen.findByTestId('bulk-dialog')
    expect(within(dialog).getByRole('heading').textContent).toBe('Retry 2 executions?')
    expect(posts(calls, 'bulk-retry').map((call) => call.body)).toEqual([
      { list: 'dead', task_name: 'examples.fail', ids: null, dry_run: true },
    ])

    fireEvent.click(screen.getByTestId('bulk-confirm'))
    expect(await screen.findByText('2 retried.')).toBeTruthy()
    // As the executions counted: what failed after the count, which the dialog did not name, is left alone.
    expect(posts(calls, 'bulk-retry').at(-1)!.body).toEqual({
      list: 'dead',
      task_name: 'examples.fail',
      ids: [RETRIED_ID, FAILED_ID],
      dry_run: false,
    })
  })

  it('tells the operator which matches a bulk retry could not dispatch again', async () => {
    mockFetch({
      [LIST]: page(summary(), summary({ id: OTHER_ID })),
      [`POST ${EXECUTIONS}/bulk-retry`]: (call: RecordedCall) => {
        const body = call.body as { dry_run: boolean }
        const refused = { [OTHER_ID]: "unknown task 'examples.renamed'" }
        return { body: body.dry_run ? { matched: 2 } : { matched: 2, retried: [RETRIED_ID], refused } }
      },
    })
    renderPage(<ExecutionListPage />, { me: OPERATOR, at: '/?list=dead' })
    await screen.findAllByTestId('execution-row')
    fireEvent.click(screen.getByTestId('bulk-retry-all'))
    fireEvent.click(await screen.findByTestId('bulk-confirm'))
    expect(await screen.findByText(/1 retried; 1 could not be dispatched again .*examples\.renamed/)).toBeTruthy()
  })

  it('discards only the ticked rows, then clears the selection', async () => {
    const calls = mockFetch({
      [LIST]: page(summary(), summary({ id: OTHER_ID })),
      [`POST ${EXECUTIONS}/bulk-discard`]: bulk(1, [OTHER_ID], 'discarded'),
    })
    renderPage(<ExecutionListPage />, { me: OPERATOR, at: '/?list=dead' })
    const rows = await screen.findAllByTestId('execution-row')
    expect((screen.getByTestId('bulk-discard-selected') as HTMLButtonElement).disabled).toBe(true)

    fireEvent.click(within(rows[1]).getByTestId('select-row'))
    expect(screen.getByTestId('bulk-discard-selected').textContent).toBe('Discard selected (1)')
    fireEvent.click(screen.getByTestId('bulk-discard-selected'))
    expect(within(await screen.findByTestId('bulk-dialog')).getByRole('heading').textContent).toBe(
      'Discard 1 executions?',
    )
    fireEvent.click(screen.getByTestId('bulk-confirm'))
    expect(await screen.findByText('1 discarded.')).toBeTruthy()
    expect(posts(calls, 'bulk-discard').at(-1)!.body).toEqual({ list: 'dead', ids: [OTHER_ID], dry_run: false })
    await waitFor(() => expect(screen.getByTestId('bulk-discard-selected').textContent).toBe('Discard selected (0)'))
  })

  it('selects every row of the page at once', async () => {
    mockFetch({ [LIST]: page(summary(), summary({ id: OTHER_ID })) })
    renderPage(<ExecutionListPage />, { me: OPERATOR, at: '/?list=dead' })
    await screen.findAllByTestId('execution-row')
    fireEvent.click(screen.getByTestId('select-page'))
    expect(screen.getByTestId('bulk-retry-selected').textContent).toBe('Retry selected (2)')
  })

  it('runs a retry now with the retries the row shows, after a confirmation', async () => {
    const calls = mockFetch({
      [LIST]: page(summary({ status: 'retrying', retries: 2 })),
      [`POST ${EXECUTIONS}/${FAILED_ID}/run-now`]: { body: { id: FAILED_ID, promoted: true } },
    })
    renderPage(<ExecutionListPage />, { me: OPERATOR, at: '/?list=retrying' })
    const [row] = await screen.findAllByTestId('execution-row')
    expect(within(row).queryByTestId('revoke-button')).toBeNull()
    fireEvent.click(within(row).getByTestId('run-now'))
    expect(within(row).getByTestId('run-now').textContent).toBe('Retry now')
    fireEvent.click(await screen.findByTestId('run-now-confirm'))
    expect(await screen.findByText('Queued to run now.')).toBeTruthy()
    expect(posts(calls, `${FAILED_ID}/run-now`).map((call) => call.url)).toEqual([
      `${EXECUTIONS}/${FAILED_ID}/run-now?retries=2`,
    ])
  })

  it('offers run now and revoke on the Scheduled list, with the time each is due', async () => {
    const due = new Date(Date.now() + 185_000).toISOString()
    mockFetch({ [LIST]: page(summary({ status: 'pending', eta: due })) })
    renderPage(<ExecutionListPage />, { me: OPERATOR, at: '/?list=scheduled' })
    const [row] = await screen.findAllByTestId('execution-row')
    expect(within(row).getByTestId('execution-due').textContent).toBe('in 3 min')
    expect(within(row).getByTestId('run-now').textContent).toBe('Run now')
    expect(within(row).getByTestId('revoke-button')).toBeTruthy()
  })
})
