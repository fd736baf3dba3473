import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { useNavigate } from 'react-router'
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

  it('names in its dialog the number a bulk retry of more than 10,000 matches will act on, not the total', async () => {
    // The dry run counts every match (an estimate past 10,000) but answers the newest 10,000 ids, and the
    // confirmation sends back exactly those: 10,000 are retried, whatever the dialog said.
    const ids = Array.from({ length: 10_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
    const calls = mockFetch({
      [LIST]: page(summary(), summary({ id: OTHER_ID })),
      [`POST ${EXECUTIONS}/bulk-retry`]: (call: RecordedCall) => {
        const body = call.body as { dry_run: boolean }
        return { body: body.dry_run ? { matched: 25_000, ids } : { matched: 10_000, retried: ids } }
      },
    })
    renderPage(<ExecutionListPage />, { me: OPERATOR, at: '/?list=dead' })
    await screen.findAllByTestId('execution-row')
    fireEvent.click(screen.getByTestId('bulk-retry-all'))
    const dialog = await screen.findByTestId('bulk-dialog')
    fireEvent.click(screen.getByTestId('bulk-confirm'))
    await screen.findByText('10000 retried.')
    expect((posts(calls, 'bulk-retry').at(-1)!.body as { ids: string[] }).ids).toHaveLength(10_000)
    // What the operator confirmed must be what was done.
    expect(within(dialog).getByRole('heading').textContent).not.toMatch(/25,?000/)
    expect(within(dialog).getByTestId('bulk-confirm').textContent).not.toMatch(/25,?000/)
  })

  it('acts on the search it counted when the address changes while its dialog is open (Back)', async () => {
    function Back({ to }: { to: string }) {
      const navigate = useNavigate()
      return <button type="button" data-testid="browser-back" onClick={() => void navigate(to)} />
    }
    const calls = mockFetch({
      [LIST]: page(summary(), summary({ id: OTHER_ID })),
      [`POST ${EXECUTIONS}/bulk-retry`]: bulk(2, [FAILED_ID, OTHER_ID], 'retried'),
    })
    renderPage(
      <>
        <ExecutionListPage />
        <Back to="/?list=dead&task_name=examples.other" />
      </>,
      { me: OPERATOR, at: '/?list=dead&task_name=examples.fail' },
    )
    await screen.findAllByTestId('execution-row')
    fireEvent.click(screen.getByTestId('bulk-retry-all'))
    await screen.findByTestId('bulk-dialog')
    fireEvent.click(screen.getByTestId('browser-back'))
    await waitFor(() => expect(screen.getByTestId('location').textContent).toContain('examples.other'))
    fireEvent.click(screen.getByTestId('bulk-confirm'))
    await screen.findByText('2 retried.')
    // The dialog named the 2 failures of examples.fail: the confirmation must act on that search, not on the new one
    // (the server keeps only the ids the new search matches, and retries none of the 2 the operator confirmed).
    expect(posts(calls, 'bulk-retry').at(-1)!.body).toEqual({
      list: 'dead',
      task_name: 'examples.fail',
      ids: [FAILED_ID, OTHER_ID],
      dry_run: false,
    })
  })
})
