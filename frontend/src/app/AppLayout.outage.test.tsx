import { QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { MemoryRouter, Route, Routes } from 'react-router'
import { mockFetch } from '../test/fetchMock'
import { VIEWER } from '../test/render'
import { AppLayout } from './AppLayout'
import { createQueryClient } from './queryClient'

/** The browser's EventSource as the stream uses it; the test ends it as a server outage would. */
class OutageEventSource {
  static readonly CLOSED = 2
  static last: OutageEventSource | null = null
  readyState = 0
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null

  constructor() {
    OutageEventSource.last = this
  }

  addEventListener() {}

  close() {
    this.readyState = OutageEventSource.CLOSED
  }
}

describe('AppLayout during an outage', () => {
  it('keeps the navigation and the page on screen when the server answers 503 after the stream dropped', async () => {
    vi.stubGlobal('EventSource', OutageEventSource)
    let down = false
    let meCalls = 0
    mockFetch({
      'GET /api/background_tasks/admin/me': () => {
        meCalls++
        return down
          ? { status: 503, body: { error: 'service_unavailable', message: 'PostgreSQL is unavailable' } }
          : { body: VIEWER }
      },
    })
    const client = createQueryClient(() => {})
    render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={['/?status=failed']}>
          <Routes>
            <Route element={<AppLayout />}>
              <Route index element={<p data-testid="the-page">the filtered list</p>} />
            </Route>
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    )
    await screen.findByTestId('the-page')

    // The server goes down: the stream is closed, and LiveStream asks who the user is (to tell a 401 from a drop).
    down = true
    const stream = OutageEventSource.last!
    act(() => {
      stream.readyState = OutageEventSource.CLOSED
      stream.onerror?.()
    })
    await waitFor(() => expect(meCalls).toBe(4), { timeout: 10_000 }) // the first answer, then 1 + 2 retries
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100))
    })

    // An outage is not a sign-out: the page keeps its last answer with the offline banner, the app stays usable.
    expect(screen.queryByTestId('navbar')).not.toBeNull()
    expect(screen.queryByTestId('the-page')).not.toBeNull()
  }, 20_000)
})
