import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import { FAILED_ID, worker } from '../../test/fixtures'
import { VIEWER, renderPage } from '../../test/render'
import { WorkersPage } from './WorkersPage'

const WORKERS = 'GET /api/background_tasks/admin/workers'

describe('WorkersPage', () => {
  it('shows a banner with the reason when the broker cannot be reached', async () => {
    mockFetch({ [WORKERS]: { body: { broker_reachable: false, error: 'Connection refused', workers: [] } } })
    renderPage(<WorkersPage />, { me: VIEWER })
    const banner = await screen.findByTestId('broker-banner')
    expect(banner.textContent).toContain('Connection refused')
    expect(screen.queryByTestId('workers-table')).toBeNull()
  })

  it('shows one row per worker and no banner while the broker answers', async () => {
    const startedAt = new Date(Date.now() - 65_000).toISOString()
    mockFetch({
      [WORKERS]: {
        body: {
          broker_reachable: true,
          error: null,
          workers: [worker({ active: [{ id: FAILED_ID, task: 'examples.sleep', started_at: startedAt }] }), worker({ id: 'worker-2' })],
        },
      },
    })
    renderPage(<WorkersPage />, { me: VIEWER })
    const rows = await screen.findAllByTestId('worker-row')
    expect(rows).toHaveLength(2)
    expect(rows[0].textContent).toContain('box-1')
    expect(rows[0].textContent).toContain('default, mail')
    expect(screen.getByTestId('worker-active-task').textContent).toMatch(/examples\.sleep 1m 0[5-9]s/)
    expect(screen.queryByTestId('broker-banner')).toBeNull()
  })

  it('says so when no worker runs', async () => {
    mockFetch({ [WORKERS]: { body: { broker_reachable: true, error: null, workers: [] } } })
    renderPage(<WorkersPage />, { me: VIEWER })
    expect(await screen.findByTestId('workers-empty')).toBeTruthy()
  })
})
