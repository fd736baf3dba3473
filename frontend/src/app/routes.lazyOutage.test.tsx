import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { RouterProvider, createMemoryRouter } from 'react-router'
import { sessionKeys } from '../features/session/queries'
import { mockFetch } from '../test/fetchMock'
import { VIEWER } from '../test/render'
import { routes } from './routes'

// The queues page's chunk cannot be loaded: the server is down (503), or a deploy replaced the hashed asset names
// of the index.html this tab loaded, so the old chunk is a 404.
vi.mock('../features/queues/QueuesPage', () => {
  throw new TypeError('Failed to fetch dynamically imported module: /admin/background-tasks/assets/QueuesPage-1a2b3c.js')
})

class SilentEventSource {
  static readonly CLOSED = 2
  readyState = 0
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  addEventListener() {}
  close() {}
}

describe('the app routes', () => {
  it('keep the navigation and say what failed when a page that loads on demand cannot be loaded', async () => {
    vi.stubGlobal('EventSource', SilentEventSource)
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    mockFetch({})
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    client.setQueryData(sessionKeys.me, VIEWER)
    const router = createMemoryRouter(routes, { initialEntries: ['/'] })
    render(
      <QueryClientProvider client={client}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    )
    await screen.findByTestId('navbar')
    await act(async () => {
      await router.navigate('/queues')
    })
    // Not React Router's bare "Unexpected Application Error!" in place of the whole app: the navbar stays, and the
    // page says it could not be loaded (a reload fetches the new assets).
    expect(screen.queryByText(/Unexpected Application Error/)).toBeNull()
    expect(screen.queryByTestId('navbar')).not.toBeNull()
  })
})
