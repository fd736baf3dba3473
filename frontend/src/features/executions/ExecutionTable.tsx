import type { ReactNode } from 'react'
import { Link } from 'react-router'
import type { ExecutionSummary } from '../../api/types'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { elapsed, formatDuration, shortId } from '../../format'
import { Time } from '../../components/Time'
import { t } from '../../i18n'
import type { SortKey } from './api'
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
    {
      header: t('table.task_name'),
      sortKey: 'task_name',
      cell: (execution) => <Link to={`/${execution.id}`}>{execution.task_name}</Link>,
    },
    {
      header: t('table.args'),
      className: 'mono truncate',
      testId: 'execution-args',
      cell: (execution) => <span title={execution.args_preview ?? undefined}>{execution.args_preview ?? ''}</span>,
    },
    {
      header: t('table.status'),
      sortKey: 'status',
      cell: (execution) => (
        <>
          <StatusBadge status={execution.status} />
          {execution.exception_type && <div className="muted small">{execution.exception_type}</div>}
        </>
      ),
    },
    { header: t('table.queue'), sortKey: 'queue', cell: (execution) => execution.queue },
    { header: t('table.worker'), sortKey: 'worker', cell: (execution) => execution.worker ?? t('app.empty_value') },
    { header: t('table.retries'), sortKey: 'retries', numeric: true, cell: (execution) => execution.retries },
    {
      header: t('table.progress'),
      numeric: true,
      cell: (execution) =>
        execution.status === 'running' && execution.progress !== null ? `${execution.progress}%` : '',
    },
    { header: t('table.queued_at'), sortKey: 'queued_at', cell: (execution) => <Time instant={execution.queued_at} /> },
    {
      header: t('table.duration'),
      sortKey: 'duration',
      numeric: true,
      cell: (execution) => formatDuration(elapsed(execution.started_at, execution.finished_at, now)),
    },
  ]
}

/** Which rows are ticked, for a bulk action over them. */
export interface RowSelection {
  selected: ReadonlySet<string>
  onChange: (ids: string[], checked: boolean) => void
}

function selectionColumn(executions: ExecutionSummary[], { selected, onChange }: RowSelection): Column<ExecutionSummary> {
  const ids = executions.map((execution) => execution.id)
  return {
    header: (
      <input
        type="checkbox"
        aria-label={t('bulk.select_page')}
        data-testid="select-page"
        checked={ids.length > 0 && ids.every((id) => selected.has(id))}
        onChange={(event) => onChange(ids, event.target.checked)}
      />
    ),
    cell: (execution) => (
      <input
        type="checkbox"
        aria-label={t('bulk.select_row', { task: execution.task_name, id: shortId(execution.id) })}
        data-testid="select-row"
        checked={selected.has(execution.id)}
        onChange={(event) => onChange([execution.id], event.target.checked)}
      />
    ),
  }
}

interface ExecutionTableProps {
  executions: ExecutionSummary[]
  now: number
  /** Tick boxes in a first column (the Dead list, for operators). */
  selection?: RowSelection
  /** The actions of each row, in a last column (the Retrying and Scheduled lists, for operators). */
  rowActions?: (execution: ExecutionSummary) => ReactNode
  /** A column of due times (`in 3 min`), for the lists of executions that wait for one. */
  showDue?: boolean
  /** The list's order (`-queued_at`, `task_name`, ...). */
  sort: string
  onSort: (key: SortKey) => void
}

const DUE_COLUMN: Column<ExecutionSummary> = {
  header: t('table.due'),
  testId: 'execution-due',
  cell: (execution) => <Time instant={execution.eta} />,
}

export function ExecutionTable({ executions, now, sort, onSort, selection, rowActions, showDue }: ExecutionTableProps) {
  const shown = [
    ...(selection ? [selectionColumn(executions, selection)] : []),
    ...columns(now),
    ...(showDue ? [DUE_COLUMN] : []),
    ...(rowActions ? [{ header: t('run_now.actions'), cell: rowActions }] : []),
  ]
  return (
    <DataTable
      testId="executions-table"
      columns={shown}
      rows={executions}
      rowKey={(execution) => execution.id}
      rowTestId="execution-row"
      rowAttributes={(execution) => ({ 'data-status': execution.status, 'data-id': execution.id })}
      sort={{ value: sort, onSort: (key) => onSort(key as SortKey) }}
      cards
    />
  )
}
