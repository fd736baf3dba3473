import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { LIVE_REFRESH_MS, fetchWorkers } from '../api/live'
import type { ActiveTask, Worker } from '../api/types'
import { BrokerBanner } from '../components/BrokerBanner'
import { ErrorMessage } from '../components/ErrorMessage'
import { useNow } from '../components/useNow'
import { elapsed, formatDuration, shortId } from '../format'
import { t } from '../i18n'

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

function WorkerRow({ worker, now }: { worker: Worker; now: number }) {
  return (
    <tr data-testid="worker-row" data-id={worker.id}>
      <td className="mono" title={worker.id}>
        {worker.id}
      </td>
      <td>
        {worker.host}
        <span className="muted small"> · pid {worker.pid}</span>
      </td>
      <td>{worker.queues.join(', ')}</td>
      <td className="number">{worker.concurrency}</td>
      <td>
        <ActiveTasks tasks={worker.active} now={now} />
      </td>
      <td className="number">{worker.processed}</td>
      <td className="number">{worker.failed}</td>
      <td>{t('workers.ago', { duration: formatDuration(elapsed(worker.heartbeat_at, null, now)) })}</td>
    </tr>
  )
}

function WorkersTable({ workers, now }: { workers: Worker[]; now: number }) {
  return (
    <table className="table" data-testid="workers-table">
      <thead>
        <tr>
          <th>{t('workers.worker')}</th>
          <th>{t('workers.host')}</th>
          <th>{t('workers.queues')}</th>
          <th className="number">{t('workers.concurrency')}</th>
          <th>{t('workers.active')}</th>
          <th className="number">{t('workers.processed')}</th>
          <th className="number">{t('workers.failed')}</th>
          <th>{t('workers.heartbeat')}</th>
        </tr>
      </thead>
      <tbody>
        {workers.map((worker) => (
          <WorkerRow key={worker.id} worker={worker} now={now} />
        ))}
      </tbody>
    </table>
  )
}

/** Live worker state straight from the broker, polled every two seconds. */
export function WorkersPage() {
  const now = useNow()
  const snapshot = useQuery({ queryKey: ['workers'], queryFn: fetchWorkers, refetchInterval: LIVE_REFRESH_MS })
  return (
    <section>
      <header className="page-header">
        <h1>{t('workers.title')}</h1>
        <span className="muted small">{t('app.live')}</span>
      </header>
      {snapshot.isPending && <p>{t('app.loading')}</p>}
      {snapshot.isError && <ErrorMessage error={snapshot.error} />}
      {snapshot.data && !snapshot.data.broker_reachable && <BrokerBanner error={snapshot.data.error} />}
      {snapshot.data?.broker_reachable &&
        (snapshot.data.workers.length === 0 ? (
          <p className="empty" data-testid="workers-empty">
            {t('workers.empty')}
          </p>
        ) : (
          <WorkersTable workers={snapshot.data.workers} now={now} />
        ))}
    </section>
  )
}
