import type { RouteObject } from 'react-router'
import { PERMISSIONS } from './api/session'
import { AppLayout } from './components/AppLayout'
import { RequirePermission } from './components/RequirePermission'
import { AuditPage } from './pages/AuditPage'
import { ExecutionDetailPage } from './pages/ExecutionDetailPage'
import { ExecutionListPage } from './pages/ExecutionListPage'
import { LoginPage } from './pages/LoginPage'
import { SchedulesPage } from './pages/SchedulesPage'
import { UsersPage } from './pages/UsersPage'
import { WorkersPage } from './pages/WorkersPage'

/**
 * The app is served under this prefix, trailing slash included so that the list's address is the contract's
 * `/admin/background-tasks/`; routes below are relative to it. The queues page (charts) loads on demand.
 */
export const BASENAME = import.meta.env.BASE_URL

export const LOGIN_PATH = '/login'

export const routes: RouteObject[] = [
  { path: LOGIN_PATH, element: <LoginPage /> },
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <ExecutionListPage /> },
      { path: 'workers', element: <WorkersPage /> },
      {
        path: 'queues',
        lazy: async () => ({ Component: (await import('./pages/QueuesPage')).QueuesPage }),
      },
      { path: 'schedules', element: <SchedulesPage /> },
      {
        path: 'users',
        element: (
          <RequirePermission permission={PERMISSIONS.admin}>
            <UsersPage />
          </RequirePermission>
        ),
      },
      {
        path: 'audit',
        element: (
          <RequirePermission permission={PERMISSIONS.admin}>
            <AuditPage />
          </RequirePermission>
        ),
      },
      { path: ':executionId', element: <ExecutionDetailPage /> },
    ],
  },
]
