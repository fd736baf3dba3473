import { Link } from 'react-router'
import type { ActiveTask, Worker } from '../../api/types'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { LivePageHeader } from '../../components/LivePageHeader'
import { QueryState } from '../../components/QueryState'
import { useNow } from '../../components/useNow'
import { elapsed, formatDuration, shortId } from '../../format'
import { t } from '../../i18n'
import { BrokerBanner } from './BrokerBanner'
import { useWorkers } from './queries'

function ActiveTasks({ tasks, now }: { tasks: ActiveTask[]; now: number }) {
  if (tasks.length === 0) {
    return <span className="muted">{t('workers.idle')}</span>
  }
  return (
    <ul className="plain-list">
      {tasks.map((task) => (
        <li key={task.id} data-testid="worker-active-task">
          <Link to={`/${task.id}`} className="mono" title={task.id}>
            {shortId(task.id)}
          </Link>{' '}
          {task.task} <span className="muted">{formatDuration(elapsed(task.started_at, null, now))}</span>
        </li>
      ))}
    </ul>
  )
}

function columns(now: number): Column<Worker>[] {
  return [
    { header: t('workers.worker'), className: 'mono', cell: (worker) => <span title={worker.id}>{worker.id}</span> },
    {
      header: t('workers.host'),
      cell: (worker) => (
        <>
          {worker.host}
          <span className="muted small"> · pid {worker.pid}</span>
        </>
      ),
    },
    { header: t('workers.queues'), cell: (worker) => worker.queues.join(', ') },
    { header: t('workers.concurrency'), numeric: true, cell: (worker) => worker.concurrency },
    { header: t('workers.active'), cell: (worker) => <ActiveTasks tasks={worker.active} now={now} /> },
    { header: t('workers.processed'), numeric: true, cell: (worker) => worker.processed },
    { header: t('workers.failed'), numeric: true, cell: (worker) => worker.failed },
    {
      header: t('workers.heartbeat'),
      cell: (worker) => t('workers.ago', { duration: formatDuration(elapsed(worker.heartbeat_at, null, now)) }),
    },
  ]
}

function WorkersTable({ workers, now }: { workers: Worker[]; now: number }) {
  return (
    <DataTable
      testId="workers-table"
      columns={columns(now)}
      rows={workers}
      rowKey={(worker) => worker.id}
      rowTestId="worker-row"
      rowAttributes={(worker) => ({ 'data-id': worker.id })}
    />
  )
}

/** Live worker state straight from the broker, polled every two seconds. */
export function WorkersPage() {
  const now = useNow()
  const snapshot = useWorkers()
  return (
    <section>
      <LivePageHeader title={t('workers.title')} />
      <QueryState
        query={snapshot}
        isEmpty={(state) => state.broker_reachable && state.workers.length === 0}
        emptyText={t('workers.empty')}
        emptyTestId="workers-empty"
      >
        {(state) =>
          state.broker_reachable ? (
            <WorkersTable workers={state.workers} now={now} />
          ) : (
            <BrokerBanner error={state.error} />
          )
        }
      </QueryState>
    </section>
  )
}
