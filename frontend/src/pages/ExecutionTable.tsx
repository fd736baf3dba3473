import { Link } from 'react-router'
import type { ExecutionSummary } from '../api/types'
import { StatusBadge } from '../components/StatusBadge'
import { elapsed, formatDuration, formatInstant, shortId } from '../format'
import { t } from '../i18n'

function ExecutionRow({ execution, now }: { execution: ExecutionSummary; now: number }) {
  return (
    <tr data-testid="execution-row" data-status={execution.status} data-id={execution.id}>
      <td className="mono">
        <Link to={`/${execution.id}`} title={execution.id} data-testid="execution-link">
          {shortId(execution.id)}
        </Link>
      </td>
      <td>
        <Link to={`/${execution.id}`}>{execution.task_name}</Link>
      </td>
      <td>
        <StatusBadge status={execution.status} />
        {execution.exception_type && <div className="muted small">{execution.exception_type}</div>}
      </td>
      <td>{execution.queue}</td>
      <td>{execution.worker ?? t('app.empty_value')}</td>
      <td className="number">{execution.retries}</td>
      <td className="number">
        {execution.status === 'running' && execution.progress !== null ? `${execution.progress}%` : ''}
      </td>
      <td>{formatInstant(execution.queued_at)}</td>
      <td className="number">{formatDuration(elapsed(execution.started_at, execution.finished_at, now))}</td>
    </tr>
  )
}

export function ExecutionTable({ executions, now }: { executions: ExecutionSummary[]; now: number }) {
  return (
    <table className="table" data-testid="executions-table">
      <thead>
        <tr>
          <th>{t('table.id')}</th>
          <th>{t('table.task_name')}</th>
          <th>{t('table.status')}</th>
          <th>{t('table.queue')}</th>
          <th>{t('table.worker')}</th>
          <th className="number">{t('table.retries')}</th>
          <th className="number">{t('table.progress')}</th>
          <th>{t('table.queued_at')}</th>
          <th className="number">{t('table.duration')}</th>
        </tr>
      </thead>
      <tbody>
        {executions.map((execution) => (
          <ExecutionRow key={execution.id} execution={execution} now={now} />
        ))}
      </tbody>
    </table>
  )
}
