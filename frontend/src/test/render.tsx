import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactElement } from 'react'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import type { Me } from '../api/types'
import { ToastProvider } from '../components/Toasts'
import { sessionKeys } from '../features/session/queries'

export const VIEWER: Me = { username: 'vera', roles: ['viewer'], permissions: ['background_tasks.view'] }

export const OPERATOR: Me = {
  username: 'otto',
  roles: ['operator'],
  permissions: ['background_tasks.view', 'background_tasks.manage', 'background_tasks.dispatch'],
}

function LocationProbe() {
  const location = useLocation()
  return <output data-testid="location">{location.pathname + location.search}</output>
}

interface RenderOptions {
  me?: Me
  path?: string
  at?: string
}

/** Renders `ui` at route `path` (reached through the address `at`) with a fresh query cache and toasts. */
export function renderPage(ui: ReactElement, { me, path = '/', at = '/' }: RenderOptions = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  if (me) {
    queryClient.setQueryData(sessionKeys.me, me)
  }
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[at]}>
        <ToastProvider>
          <Routes>
            <Route path={path} element={ui} />
            <Route path="*" element={null} />
          </Routes>
          <LocationProbe />
        </ToastProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  )
}
