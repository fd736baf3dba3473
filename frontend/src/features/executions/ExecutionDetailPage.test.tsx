import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import { FAILED_ID, RETRIED_ID, detail } from '../../test/fixtures'
import { OPERATOR, VIEWER, renderPage } from '../../test/render'
import { ExecutionDetailPage } from './ExecutionDetailPage'

const DETAIL = `GET /api/background_tasks/admin/executions/${FAILED_ID}`

function renderDetail(me = OPERATOR, id = FAILED_ID) {
  renderPage(<ExecutionDetailPage />, { me, path: '/:executionId', at: `/${id}` })
}

describe('ExecutionDetailPage', () => {
  it('shows arguments as pretty JSON, the traceback and the timeline', async () => {
    mockFetch({ [DETAIL]: { body: detail({ kwargs: { to: 'ann@example.com' } }) } })
    renderDetail()
    expect((await screen.findByTestId('detail-traceback')).textContent).toContain('ProbeFailure: boom')
    expect(screen.getByTestId('detail-args').textContent).toBe('[\n  "boom"\n]')
    expect(screen.getByTestId('detail-kwargs').textContent).toBe('{\n  "to": "ann@example.com"\n}')
    expect(screen.getAllByTestId('timeline-event').map((event) => event.dataset.event)).toEqual([
      'enqueued',
      'started',
      'failed',
    ])
    expect(screen.getAllByTestId('timeline-event')[1].textContent).toContain('"worker":"worker-1"')
  })

  it('shows no error card for a success after retries, and lists each attempt with its error and worker', async () => {
    const attempts = [
      {
        number: 1,
        worker: 'worker-1',
        started_at: '2025-01-01T10:00:01Z',
        finished_at: '2025-01-01T10:00:01.500Z',
        outcome: 'retrying' as const,
        exception_type: 'FlakyFailure',
        exception_message: 'try again',
      },
      {
        number: 2,
        worker: 'worker-2',
        started_at: '2025-01-01T10:00:03Z',
        finished_at: '2025-01-01T10:00:04Z',
        outcome: 'succeeded' as const,
        exception_type: null,
        exception_message: null,
      },
    ]
    mockFetch({
      [DETAIL]: {
        body: detail({
          status: 'success',
          started_at: '2025-01-01T10:00:03Z',
          finished_at: '2025-01-01T10:00:04Z',
          exception_type: 'FlakyFailure',
          traceback: 'FlakyFailure: try again',
          attempts,
        }),
      },
    })
    renderDetail()
    const listed = await screen.findAllByTestId('attempt')
    expect(listed.map((attempt) => attempt.dataset.outcome)).toEqual(['retrying', 'succeeded'])
    expect(listed[0].textContent).toContain('FlakyFailure: try again')
    expect(listed[0].textContent).toContain('worker-1')
    expect(listed[1].textContent).toContain('worker-2')
    expect(screen.queryByTestId('detail-traceback')).toBeNull()
    expect(screen.queryByTestId('detail-exception')).toBeNull()
    expect(screen.getByTestId('detail-total-duration').textContent).toBe('3.0 s')
  })

  it('links both ways along the retry chain', async () => {
    mockFetch({ [DETAIL]: { body: detail({ retried_from_id: RETRIED_ID, retried_by: [RETRIED_ID] }) } })
    renderDetail()
    expect((await screen.findByTestId('retried-from-link')).getAttribute('href')).toBe(`/${RETRIED_ID}`)
    expect(screen.getByTestId('retried-by-link').getAttribute('href')).toBe(`/${RETRIED_ID}`)
  })

  it('shows the progress of a running execution', async () => {
    mockFetch({ [DETAIL]: { body: detail({ status: 'running', progress: 40, progress_step: 'step 2 of 5', finished_at: null }) } })
    renderDetail()
    expect((await screen.findByTestId('progress-bar')).textContent).toBe('40% · step 2 of 5')
  })

  it('has no Retry button for a viewer', async () => {
    mockFetch({ [DETAIL]: { body: detail() } })
    renderDetail(VIEWER)
    await screen.findByTestId('detail-traceback')
    expect(screen.queryByTestId('retry-button')).toBeNull()
  })

  it('says when the execution does not exist', async () => {
    mockFetch({})
    renderDetail()
    expect(await screen.findByTestId('detail-not-found')).toBeTruthy()
  })
})
