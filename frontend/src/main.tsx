import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserRouter } from 'react-router'
import { RouterProvider } from 'react-router/dom'
import { BASENAME, LOGIN_PATH } from './app/paths'
import { createQueryClient } from './app/queryClient'
import { routes } from './app/routes'
import { applyTheme, storedTheme } from './app/theme'
import './styles.css'

// The router ignores the address without the basename's trailing slash.
if (window.location.pathname === BASENAME.slice(0, -1)) {
  window.history.replaceState(null, '', BASENAME + window.location.search + window.location.hash)
}

// Before the first paint, so that a dark page never flashes light.
applyTheme(storedTheme())

const router = createBrowserRouter(routes, { basename: BASENAME })

/** The router's own location keeps the basename; navigation adds it again. */
function currentAppPath(): string {
  const { pathname, search } = router.state.location
  const inApp = pathname.startsWith(BASENAME) ? pathname.slice(BASENAME.length - 1) : pathname
  return inApp + search
}

function sendToLogin() {
  const from = currentAppPath()
  if (from.startsWith(LOGIN_PATH)) {
    return
  }
  void router.navigate(LOGIN_PATH, { replace: true, state: { from } }).then(() => queryClient.clear())
}

const queryClient = createQueryClient(sendToLogin)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
)
