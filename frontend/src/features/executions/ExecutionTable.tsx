import { Link } from 'react-router'
import type { ExecutionSummary } from '../../api/types'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { elapsed, formatDuration, formatInstant, shortId } from '../../format'
import { t } from '../../i18n'
import { StatusBadge } from './StatusBadge'

function columns(now: number): Column<ExecutionSummary>[] {
  return [
    {
      header: t('table.id'),
      className: 'mono',
      cell: (execution) => (
        <Link to={`/${execution.id}`} title={execution.id} data-testid="execution-link">
          {shortId(execution.id)}
        </Link>
      ),
    },
    { header: t('table.task_name'), cell: (execution) => <Link to={`/${execution.id}`}>{execution.task_name}</Link> },
    {
      header: t('table.status'),
      cell: (execution) => (
        <>
          <StatusBadge status={execution.status} />
          {execution.exception_type && <div className="muted small">{execution.exception_type}</div>}
        </>
      ),
    },
    { header: t('table.queue'), cell: (execution) => execution.queue },
    { header: t('table.worker'), cell: (execution) => execution.worker ?? t('app.empty_value') },
    { header: t('table.retries'), numeric: true, cell: (execution) => execution.retries },
    {
      header: t('table.progress'),
      numeric: true,
      cell: (execution) =>
        execution.status === 'running' && execution.progress !== null ? `${execution.progress}%` : '',
    },
    { header: t('table.queued_at'), cell: (execution) => formatInstant(execution.queued_at) },
    {
      header: t('table.duration'),
      numeric: true,
      cell: (execution) => formatDuration(elapsed(execution.started_at, execution.finished_at, now)),
    },
  ]
}

export function ExecutionTable({ executions, now }: { executions: ExecutionSummary[]; now: number }) {
  return (
    <DataTable
      testId="executions-table"
      columns={columns(now)}
      rows={executions}
      rowKey={(execution) => execution.id}
      rowTestId="execution-row"
      rowAttributes={(execution) => ({ 'data-status': execution.status, 'data-id': execution.id })}
    />
  )
}
