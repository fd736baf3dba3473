import type { RouteObject } from 'react-router'
import { AdminOnly } from '../features/admin/AdminOnly'
import { AuditPage } from '../features/admin/AuditPage'
import { UsersPage } from '../features/admin/UsersPage'
import { ExecutionDetailPage } from '../features/executions/ExecutionDetailPage'
import { ExecutionListPage } from '../features/executions/ExecutionListPage'
import { SchedulesPage } from '../features/schedules/SchedulesPage'
import { SettingsPage } from '../features/settings/SettingsPage'
import { LoginPage } from '../features/session/LoginPage'
import { WorkersPage } from '../features/workers/WorkersPage'
import { WorkflowPage } from '../features/workflows/WorkflowPage'
import { AppLayout } from './AppLayout'
import { NotFoundPage } from './NotFoundPage'
import { PageError } from './PageError'
import { LOGIN_PATH } from './paths'

/**
 * Relative to BASENAME. The pages with charts (queues, overview) load on demand. A page that fails to load or draw
 * shows its error inside the layout ({@link PageError}).
 */
export const routes: RouteObject[] = [
  { path: LOGIN_PATH, Component: LoginPage },
  {
    Component: AppLayout,
    children: [
      {
        ErrorBoundary: PageError,
        children: [
          { index: true, Component: ExecutionListPage },
          { path: 'workers', Component: WorkersPage },
          {
            path: 'queues',
            lazy: async () => ({ Component: (await import('../features/queues/QueuesPage')).QueuesPage }),
          },
          {
            path: 'overview',
            lazy: async () => ({ Component: (await import('../features/overview/OverviewPage')).OverviewPage }),
          },
          { path: 'schedules', Component: SchedulesPage },
          {
            Component: AdminOnly,
            children: [
              { path: 'users', Component: UsersPage },
              { path: 'audit', Component: AuditPage },
            ],
          },
          { path: 'settings', Component: SettingsPage },
          { path: 'workflows/:workflowId', Component: WorkflowPage },
          { path: ':executionId', Component: ExecutionDetailPage },
          { path: '*', Component: NotFoundPage },
        ],
      },
    ],
  },
]
