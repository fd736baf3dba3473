import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { ApiError } from '../../api/client'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { ErrorMessage } from '../../components/ErrorMessage'
import { QueryState } from '../../components/QueryState'
import { useNotifyFailure, useToast } from '../../components/toast'
import { useNow } from '../../components/useNow'
import { usePageTitle } from '../../components/usePageTitle'
import { elapsed, formatDuration } from '../../format'
import { label, t } from '../../i18n'
import { StatusBadge } from '../executions/StatusBadge'
import { PERMISSIONS } from '../session/api'
import { useCan } from '../session/queries'
import type { Workflow } from './api'
import { depthOf, fetchWorkflow, isWorkflowEnded, placeOf, redriveWorkflow, revokeWorkflow } from './api'

/** Polled every second until the workflow ended: the tree's statuses change as its members run. */
const LIVE_INTERVAL_MS = 1_000

function useWorkflow(id: string) {
  return useQuery({
    queryKey: ['workflows', id],
    queryFn: () => fetchWorkflow(id),
    refetchInterval: (query) => (query.state.data && isWorkflowEnded(query.state.data.status) ? false : LIVE_INTERVAL_MS),
  })
}

type PendingAction = 'redrive' | 'revoke' | null

/** Redrive (failed or revoked) and Revoke (not ended), each after a confirmation; only with `manage`. */
function WorkflowActions({ workflow }: { workflow: Workflow }) {
  const canManage = useCan(PERMISSIONS.manage)
  const [asking, setAsking] = useState<PendingAction>(null)
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const notify = useToast()
  const notifyFailure = useNotifyFailure()
  const redrive = useMutation({
    mutationFn: () => redriveWorkflow(workflow.id),
    onSuccess: async (redriven) => {
      notify(t('workflow.redriven'))
      await navigate(`/workflows/${redriven.id}`)
    },
    onError: notifyFailure,
    onSettled: () => setAsking(null),
  })
  const revoke = useMutation({
    mutationFn: () => revokeWorkflow(workflow.id),
    onSuccess: async () => {
      notify(t('workflow.revoked'))
      await queryClient.invalidateQueries({ queryKey: ['workflows', workflow.id] })
    },
    onError: notifyFailure,
    onSettled: () => setAsking(null),
  })
  if (!canManage) {
    return null
  }
  const redrivable = workflow.status === 'failed' || workflow.status === 'revoked'
  return (
    <div className="actions">
      {redrivable && (
        <button type="button" className="primary" data-testid="redrive-button" onClick={() => setAsking('redrive')}>
          {t('workflow.redrive')}
        </button>
      )}
      {!isWorkflowEnded(workflow.status) && (
        <button type="button" className="danger" data-testid="revoke-workflow-button" onClick={() => setAsking('revoke')}>
          {t('workflow.revoke')}
        </button>
      )}
      {asking === 'redrive' && (
        <ConfirmDialog
          testId="redrive"
          title={t('workflow.redrive_title')}
          message={t('workflow.redrive_message')}
          confirmLabel={t('workflow.redrive')}
          cancelLabel={t('retry_dialog.cancel')}
          busy={redrive.isPending}
          onConfirm={() => redrive.mutate()}
          onCancel={() => setAsking(null)}
        />
      )}
      {asking === 'revoke' && (
        <ConfirmDialog
          testId="revoke-workflow"
          title={t('workflow.revoke_title')}
          message={t('workflow.revoke_message')}
          confirmLabel={t('workflow.revoke')}
          cancelLabel={t('revoke_dialog.cancel')}
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate()}
          onCancel={() => setAsking(null)}
        />
      )}
    </div>
  )
}

/**
 * The members as an indented tree in canvas order, each linking to its execution with how long it ran (still
 * counting while it runs); the failing one highlighted.
 */
function WorkflowTree({ workflow }: { workflow: Workflow }) {
  const now = useNow()
  return (
    <ol className="workflow-tree" data-testid="workflow-tree">
      {workflow.members.map((member) => (
        <li
          key={member.id}
          data-testid="workflow-member"
          data-status={member.status}
          data-failing={member.id === workflow.failed_member ? 'true' : undefined}
          className={member.id === workflow.failed_member ? 'workflow-member failing' : 'workflow-member'}
          style={{ marginLeft: `${depthOf(member.path) * 1.5}rem` }}
        >
          <span className="workflow-place">{placeOf(member.path)}</span>{' '}
          <Link to={`/${member.id}`}>{member.task}</Link> <StatusBadge status={member.status} />
          {member.started_at && (
            <span className="workflow-duration" data-testid="workflow-member-duration">
              {' '}
              {formatDuration(elapsed(member.started_at, member.finished_at, now))}
            </span>
          )}
          {(member.error ?? member.reason) && <span className="workflow-why"> {member.error ?? member.reason}</span>}
        </li>
      ))}
    </ol>
  )
}

function WorkflowView({ workflow }: { workflow: Workflow }) {
  usePageTitle(`${t('workflow.title')} · ${label('status', workflow.status)}`)
  return (
    <article data-testid="workflow" data-status={workflow.status} data-id={workflow.id}>
      <header className="page-header">
        <h1>{t('workflow.title')}</h1>
        <StatusBadge status={workflow.status} />
        <WorkflowActions workflow={workflow} />
      </header>
      <p>
        <code>{workflow.id}</code>
        {workflow.redrive_of && (
          <>
            {' '}
            {t('workflow.redrive_of')}{' '}
            <Link to={`/workflows/${workflow.redrive_of}`} data-testid="redrive-of">
              <code>{workflow.redrive_of}</code>
            </Link>
          </>
        )}
      </p>
      <section className="card">
        <h2>{t('workflow.members')}</h2>
        <p>
          <Link to={`/?workflow=${workflow.id}`} data-testid="workflow-members-list-link">
            {t('workflow.members_in_list')}
          </Link>
        </p>
        <WorkflowTree workflow={workflow} />
      </section>
    </article>
  )
}

/** A canvas workflow: its members' tree with live statuses, and redrive and revoke for managers. */
export function WorkflowPage() {
  const { workflowId = '' } = useParams()
  const query = useWorkflow(workflowId)
  return (
    <QueryState
      query={query}
      renderError={(error) =>
        error instanceof ApiError && error.status === 404 ? (
          <p className="empty" data-testid="workflow-not-found">
            {t('workflow.not_found')} <Link to="/">{t('detail.back')}</Link>
          </p>
        ) : (
          <ErrorMessage error={error} />
        )
      }
    >
      {(workflow) => <WorkflowView workflow={workflow} />}
    </QueryState>
  )
}
