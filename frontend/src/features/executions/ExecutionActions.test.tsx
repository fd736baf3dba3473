import { fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { ExecutionStatus } from '../../api/types'
import { mockFetch } from '../../test/fetchMock'
import { FAILED_ID, RETRIED_ID, detail } from '../../test/fixtures'
import { OPERATOR, VIEWER, renderPage } from '../../test/render'
import { ExecutionActions } from './ExecutionActions'

const RETRY_PATH = `POST /api/background_tasks/admin/executions/${FAILED_ID}/retry`
const REVOKE_PATH = `POST /api/background_tasks/admin/executions/${FAILED_ID}/revoke`

function renderActions(status: ExecutionStatus, me = OPERATOR) {
  renderPage(<ExecutionActions execution={detail({ status })} />, { me, path: '/:executionId', at: `/${FAILED_ID}` })
}

describe('ExecutionActions permission gating', () => {
  it('shows neither Retry nor Revoke to a user without manage', () => {
    mockFetch({})
    renderActions('failed', VIEWER)
    expect(screen.queryByTestId('retry-button')).toBeNull()
    expect(screen.queryByTestId('revoke-button')).toBeNull()
  })

  it('hides Revoke from a viewer even while the execution runs', () => {
    mockFetch({})
    renderActions('running', VIEWER)
    expect(screen.queryByTestId('revoke-button')).toBeNull()
  })

  it.each<ExecutionStatus>(['failed', 'stuck'])('offers Retry on a %s execution to a manager', (status) => {
    mockFetch({})
    renderActions(status)
    expect(screen.getByTestId('retry-button')).toBeTruthy()
  })

  it.each<ExecutionStatus>(['pending', 'running', 'retrying'])('offers Revoke, not Retry, while %s', (status) => {
    mockFetch({})
    renderActions(status)
    expect(screen.getByTestId('revoke-button')).toBeTruthy()
    expect(screen.queryByTestId('retry-button')).toBeNull()
  })

  it('offers nothing on a success', () => {
    mockFetch({})
    renderActions('success')
    expect(screen.queryByTestId('retry-button')).toBeNull()
    expect(screen.queryByTestId('revoke-button')).toBeNull()
  })
})

describe('the retry dialog', () => {
  it('asks first, and Cancel retries nothing', () => {
    const calls = mockFetch({})
    renderActions('failed')
    fireEvent.click(screen.getByTestId('retry-button'))
    expect(screen.getByTestId('retry-dialog')).toBeTruthy()
    fireEvent.click(screen.getByTestId('retry-cancel'))
    expect(screen.queryByTestId('retry-dialog')).toBeNull()
    expect(calls).toHaveLength(0)
  })

  it('retries on Confirm and opens the new execution', async () => {
    const calls = mockFetch({ [RETRY_PATH]: { body: detail({ id: RETRIED_ID, status: 'pending', retried_from_id: FAILED_ID }) } })
    renderActions('failed')
    fireEvent.click(screen.getByTestId('retry-button'))
    fireEvent.click(screen.getByTestId('retry-confirm'))
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe(`/${RETRIED_ID}`))
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([RETRY_PATH])
    expect(screen.getByTestId('toast').textContent).toContain('Retry queued')
  })

  it('tells the user when the server refuses', async () => {
    mockFetch({ [RETRY_PATH]: { status: 409, body: { error: 'not_retryable', message: 'status is success' } } })
    renderActions('failed')
    fireEvent.click(screen.getByTestId('retry-button'))
    fireEvent.click(screen.getByTestId('retry-confirm'))
    await waitFor(() => expect(screen.getByTestId('toast').dataset.kind).toBe('error'))
    expect(screen.getByTestId('toast').textContent).toContain('status is success')
    expect(screen.getByTestId('location').textContent).toBe(`/${FAILED_ID}`)
  })
})

describe('the revoke dialog', () => {
  it('revokes on Confirm and says that the worker was asked to stop', async () => {
    const calls = mockFetch({ [REVOKE_PATH]: { body: { id: FAILED_ID, revocation: 'stop_requested' } } })
    renderActions('running')
    fireEvent.click(screen.getByTestId('revoke-button'))
    fireEvent.click(screen.getByTestId('revoke-confirm'))
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toContain('asked to stop'))
    expect(calls[0].method).toBe('POST')
  })
})
