import { Link, useParams } from 'react-router'
import { ApiError } from '../../api/client'
import type { ExecutionDetail } from '../../api/types'
import { ErrorMessage } from '../../components/ErrorMessage'
import { QueryState } from '../../components/QueryState'
import { useNow } from '../../components/useNow'
import { usePageTitle } from '../../components/usePageTitle'
import { label, t } from '../../i18n'
import { isExecutionId } from './api'
import { AttemptList } from './AttemptList'
import { showsError } from './attempts'
import { ExecutionActions } from './ExecutionActions'
import { ExecutionFields } from './ExecutionFields'
import { ExecutionTimeline } from './ExecutionTimeline'
import { JsonBlock } from './JsonBlock'
import { ProgressBar } from './ProgressBar'
import { RetryChain } from './RetryChain'
import { StatusBadge } from './StatusBadge'
import { useExecution } from './queries'

function NotFound() {
  usePageTitle(t('detail.not_found_title'))
  return (
    <p className="empty" data-testid="detail-not-found">
      {t('detail.not_found')} <Link to="/">{t('detail.back')}</Link>
    </p>
  )
}

function ExecutionError({ execution }: { execution: ExecutionDetail }) {
  if (!showsError(execution)) {
    return null
  }
  return (
    <section className="card">
      <h2>{t('detail.error')}</h2>
      <p className="error-text" data-testid="detail-exception">
        <strong>{execution.exception_type}</strong>
        {execution.exception_message && `: ${execution.exception_message}`}
      </p>
      {execution.traceback && (
        <>
          <h3>{t('detail.traceback')}</h3>
          <pre className="code traceback" data-testid="detail-traceback">
            {execution.traceback}
          </pre>
        </>
      )}
    </section>
  )
}

function ExecutionView({ execution }: { execution: ExecutionDetail }) {
  const now = useNow()
  usePageTitle(`${execution.task_name} · ${label('status', execution.status)}`)
  return (
    <article data-testid="execution-detail" data-status={execution.status} data-id={execution.id}>
      <header className="page-header">
        <h1>{execution.task_name}</h1>
        <StatusBadge status={execution.status} />
        <ExecutionActions execution={execution} />
      </header>
      {execution.workflow_id && (
        <p>
          <Link to={`/workflows/${execution.workflow_id}`} data-testid="detail-workflow-link">
            {t('detail.workflow')}
          </Link>
        </p>
      )}
      {execution.status === 'running' && execution.progress !== null && (
        <ProgressBar percent={execution.progress} step={execution.progress_step} />
      )}
      <div className="detail-grid">
        <section className="card">
          <h2>{t('detail.summary')}</h2>
          <ExecutionFields execution={execution} now={now} />
        </section>
        <section className="card">
          <h2>{t('detail.attempts')}</h2>
          <AttemptList attempts={execution.attempts ?? []} now={now} />
          <h2>{t('detail.timeline')}</h2>
          <ExecutionTimeline events={execution.timeline ?? []} />
          <h2>{t('detail.retry_chain')}</h2>
          <RetryChain execution={execution} />
        </section>
      </div>
      <ExecutionError execution={execution} />
      <section className="card">
        <h2>{t('detail.args')}</h2>
        <JsonBlock value={execution.args} testId="detail-args" />
        <h2>{t('detail.kwargs')}</h2>
        <JsonBlock value={execution.kwargs} testId="detail-kwargs" />
        <h2>{t('detail.result')}</h2>
        <JsonBlock value={execution.result} testId="detail-result" />
      </section>
    </article>
  )
}

function LiveExecution({ id }: { id: string }) {
  return (
    <QueryState
      query={useExecution(id)}
      renderError={(error) =>
        error instanceof ApiError && error.status === 404 ? <NotFound /> : <ErrorMessage error={error} />
      }
    >
      {(execution) => <ExecutionView execution={execution} />}
    </QueryState>
  )
}

export function ExecutionDetailPage() {
  const { executionId = '' } = useParams()
  return isExecutionId(executionId) ? <LiveExecution key={executionId} id={executionId} /> : <NotFound />
}
