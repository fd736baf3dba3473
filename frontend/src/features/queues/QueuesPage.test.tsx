import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import { renderPage } from '../../test/render'
import { queueActions } from './api'
import { QueuesPage } from './QueuesPage'

const ADMIN_API = '/api/background_tasks/admin'
const ADA = { username: 'ada', roles: ['admin'], permissions: ['background_tasks.view', 'background_tasks.manage'] }
const VIC = { username: 'vic', roles: ['viewer'], permissions: ['background_tasks.view'] }

function queue(name: string, paused: boolean, depth: number, delayed: number, held = 0) {
  return { name, depth, delayed, in_flight: 0, held, paused, throughput: [] }
}

const QUEUES = {
  [`GET ${ADMIN_API}/queues`]: { body: { queues: [queue('mail', false, 1, 1, 1), queue('reports', true, 0, 0)] } },
  [`GET ${ADMIN_API}/stats`]: { body: { minutes: [] } },
}

async function row(name: string) {
  const rows = await screen.findAllByTestId('queue-row')
  return rows.find((candidate) => candidate.dataset.name === name)!
}

describe('queueActions', () => {
  it('offers resume for a paused queue and pause otherwise, and purge only while something waits', () => {
    expect(queueActions({ paused: false, depth: 0, delayed: 0, held: 0 })).toEqual(['pause'])
    expect(queueActions({ paused: true, depth: 0, delayed: 0, held: 0 })).toEqual(['resume'])
    expect(queueActions({ paused: true, depth: 0, delayed: 3, held: 0 })).toEqual(['resume', 'purge'])
    expect(queueActions({ paused: false, depth: 1, delayed: 0, held: 0 })).toEqual(['pause', 'purge'])
    expect(queueActions({ paused: false, depth: 0, delayed: 0, held: 2 })).toEqual(['pause', 'purge'])
  })
})

describe('QueuesPage', () => {
  it('marks a paused queue and lets a viewer change nothing', async () => {
    mockFetch(QUEUES)
    renderPage(<QueuesPage />, { me: VIC, path: '/queues', at: '/queues' })
    expect(within(await row('reports')).getByTestId('queue-paused').textContent).toBe('paused')
    expect(within(await row('mail')).queryByTestId('queue-paused')).toBeNull()
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Purge' })).toBeNull()
  })

  it('purges only once the dialog, naming the waiting count, is confirmed, and says how many were revoked', async () => {
    const calls = mockFetch({ ...QUEUES, [`POST ${ADMIN_API}/queues/mail/purge`]: { body: { name: 'mail', purged: 3 } } })
    renderPage(<QueuesPage />, { me: ADA, path: '/queues', at: '/queues' })
    const mail = await row('mail')
    expect(within(await row('reports')).queryByTestId('queue-purge')).toBeNull()
    expect(within(await row('reports')).getByTestId('queue-resume')).toBeTruthy()

    fireEvent.click(within(mail).getByTestId('queue-purge'))
    expect(screen.getByTestId('queue-purge-dialog').textContent).toContain('ready, delayed or held by a limit (3 now)')
    fireEvent.click(screen.getByTestId('queue-purge-cancel'))
    expect(calls.filter((call) => call.method === 'POST')).toEqual([])

    fireEvent.click(within(mail).getByTestId('queue-purge'))
    fireEvent.click(screen.getByTestId('queue-purge-confirm'))
    expect(await screen.findByText('Queue mail purged: 3 revoked.')).toBeTruthy()
    await waitFor(() => expect(screen.queryByTestId('queue-purge-dialog')).toBeNull())
    expect(calls.filter((call) => call.method === 'POST').map((call) => call.url)).toEqual([`${ADMIN_API}/queues/mail/purge`])
  })
})
