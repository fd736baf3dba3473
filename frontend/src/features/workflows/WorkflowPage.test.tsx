import { fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import { FAILED_ID, detail } from '../../test/fixtures'
import { OPERATOR, VIEWER, renderPage } from '../../test/render'
import type { Workflow } from './api'
import { depthOf, placeOf } from './api'
import { ExecutionDetailPage } from '../executions/ExecutionDetailPage'
import { WorkflowPage } from './WorkflowPage'

const ID = '01a21439-4672-7000-9bef-5fad35181c00'
const REDRIVE = '01a21439-5000-7000-9bef-5fad35181c00'
const WORKFLOW = `GET /api/background_tasks/workflows/${ID}`

function failedChain(): Workflow {
  const member = (n: number, task: string, path: string, status: string, extra = {}) => ({
    id: `01a21439-4672-700${n}-8ada-d7a6f622c800`, task, path, status, result: null, error: null, reason: null,
    started_at: null, finished_at: null, ...extra,
  })
  return {
    id: ID,
    status: 'failed',
    result: null,
    failed_member: '01a21439-4672-7003-8ada-d7a6f622c800',
    redrive_of: null,
    members: [
      member(1, 'examples.add', '$.chain[0]', 'success'),
      member(2, 'examples.add', '$.chain[1].group[0]', 'success'),
      member(3, 'examples.fail', '$.chain[1].group[1]', 'failed', { error: 'ProbeFailure: x' }),
      member(4, 'examples.echo', '$.chain[1].group[1].link_error', 'success'),
      member(5, 'examples.add', '$.chain[2]', 'cancelled', { reason: 'previous step failed' }),
    ],
  }
}

describe('depthOf', () => {
  it('counts steps, members and callbacks below the root, not the chord key', () => {
    expect(depthOf('$.chain[0]')).toBe(0)
    expect(depthOf('$.chain[1].group[0]')).toBe(1)
    expect(depthOf('$.chain[1].group[1].link_error')).toBe(2)
    expect(depthOf('$.chord.group[2]')).toBe(0)
    expect(depthOf('$.chord.then')).toBe(0)
    expect(placeOf('$.chord.then')).toBe('then')
  })
})

describe('an execution that is a workflow member', () => {
  it('links from its detail page to its workflow', async () => {
    mockFetch({ [`GET /api/background_tasks/admin/executions/${FAILED_ID}`]: { body: detail({ workflow_id: ID }) } })
    renderPage(<ExecutionDetailPage />, { me: VIEWER, path: '/:executionId', at: `/${FAILED_ID}` })
    const link = await screen.findByTestId('detail-workflow-link')
    expect(link.getAttribute('href')).toBe(`/workflows/${ID}`)
  })
})

describe('WorkflowPage', () => {
  it('shows the members as an indented tree with their statuses and the failing one highlighted', async () => {
    mockFetch({ [WORKFLOW]: { body: failedChain() } })
    renderPage(<WorkflowPage />, { me: VIEWER, path: '/workflows/:workflowId', at: `/workflows/${ID}` })
    const rows = await screen.findAllByTestId('workflow-member')
    expect(rows.map((row) => row.dataset.status)).toEqual(['success', 'success', 'failed', 'success', 'cancelled'])
    expect(rows.map((row) => row.style.marginLeft)).toEqual(['0rem', '1.5rem', '1.5rem', '3rem', '0rem'])
    expect(rows[2].dataset.failing).toBe('true')
    expect(rows[2].textContent).toContain('ProbeFailure: x')
    expect(rows[4].textContent).toContain('previous step failed')
    expect(rows[0].querySelector('a')?.getAttribute('href')).toBe('/01a21439-4672-7001-8ada-d7a6f622c800')
    expect(screen.queryByTestId('redrive-button')).toBeNull()
  })

  it('shows how long each member ran, still counting for one that runs, none for one that never started', async () => {
    const workflow = failedChain()
    workflow.status = 'running'
    workflow.members[0] = { ...workflow.members[0], started_at: '2026-01-31T09:00:00Z', finished_at: '2026-01-31T09:00:02.500Z' }
    workflow.members[1] = { ...workflow.members[1], status: 'running', started_at: new Date(Date.now() - 65_000).toISOString() }
    mockFetch({ [WORKFLOW]: { body: workflow } })
    renderPage(<WorkflowPage />, { me: VIEWER, path: '/workflows/:workflowId', at: `/workflows/${ID}` })
    const rows = await screen.findAllByTestId('workflow-member')
    expect(rows[0].querySelector('[data-testid="workflow-member-duration"]')?.textContent?.trim()).toBe('2.5 s')
    expect(rows[1].querySelector('[data-testid="workflow-member-duration"]')?.textContent?.trim()).toMatch(/^1m 0\ds$/)
    expect(rows[4].querySelector('[data-testid="workflow-member-duration"]')).toBeNull()
  })

  it('links to its members in the executions list', async () => {
    mockFetch({ [WORKFLOW]: { body: failedChain() } })
    renderPage(<WorkflowPage />, { me: VIEWER, path: '/workflows/:workflowId', at: `/workflows/${ID}` })
    const link = await screen.findByTestId('workflow-members-list-link')
    expect(link.getAttribute('href')).toBe(`/?workflow=${ID}`)
  })

  it('redrives a failed workflow for a manager after confirmation and opens the new run', async () => {
    const calls = mockFetch({
      [WORKFLOW]: { body: failedChain() },
      [`POST /api/background_tasks/workflows/${ID}/retry`]: { status: 202, body: { ...failedChain(), id: REDRIVE } },
      [`GET /api/background_tasks/workflows/${REDRIVE}`]: {
        body: { ...failedChain(), id: REDRIVE, status: 'running', failed_member: null, redrive_of: ID },
      },
    })
    renderPage(<WorkflowPage />, { me: OPERATOR, path: '/workflows/:workflowId', at: `/workflows/${ID}` })
    fireEvent.click(await screen.findByTestId('redrive-button'))
    fireEvent.click(await screen.findByTestId('redrive-confirm'))
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe(`/workflows/${REDRIVE}`))
    expect(calls.some((call) => call.method === 'POST' && call.url.endsWith(`${ID}/retry`))).toBe(true)
  })

  it('says so when there is no such workflow', async () => {
    mockFetch({})
    renderPage(<WorkflowPage />, { me: VIEWER, path: '/workflows/:workflowId', at: `/workflows/${ID}` })
    expect(await screen.findByTestId('workflow-not-found')).toBeTruthy()
  })
})
