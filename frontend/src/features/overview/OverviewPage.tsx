import { useState } from 'react'
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useTimeZone } from '../../app/zoneChoice'
import { CHART_HEIGHT, OUTCOME_COLOURS, TICK, legendText } from '../../components/chartStyle'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { SelectField } from '../../components/form/SelectField'
import { LivePageHeader } from '../../components/LivePageHeader'
import { QueryState } from '../../components/QueryState'
import { formatDuration } from '../../format'
import { label, t } from '../../i18n'
import { QueueName } from '../queues/QueueName'
import { BrokerBanner } from '../workers/BrokerBanner'
import { WINDOWS } from './api'
import type { Overview, OverviewWindow, QueueOverview, StatusCount, TaskOverview } from './api'
import { axisLabel, fillAxis, formatRate } from './axis'
import { useOverview } from './queries'

/** A count the server estimated (past 10,000) reads `~12,345`. */
function countText(count: number, estimated = false): string {
  return `${estimated ? '~' : ''}${count.toLocaleString('en')}`
}

function statusRows(overview: Overview): StatusCount[] {
  const ended = Object.entries(overview.ended).map(([status, count]) => ({ status, count, estimated: false }))
  return [...overview.unfinished, ...ended]
}

const STATUS_COLUMNS: Column<StatusCount>[] = [
  { header: t('overview.status'), cell: (row) => label('status', row.status) },
  { header: t('overview.count'), numeric: true, testId: 'status-count', cell: (row) => countText(row.count, row.estimated) },
]

const TASK_COLUMNS: Column<TaskOverview>[] = [
  { header: t('overview.task'), className: 'mono', cell: (task) => task.task_name || t('app.empty_value') },
  { header: t('overview.ended'), numeric: true, cell: (task) => countText(task.count) },
  { header: t('overview.failure_rate'), numeric: true, cell: (task) => formatRate(task.failure_rate) },
  { header: t('overview.run_p50'), numeric: true, cell: (task) => formatDuration(task.run_p50_ms) },
  { header: t('overview.run_p95'), numeric: true, cell: (task) => formatDuration(task.run_p95_ms) },
  { header: t('overview.wait_p50'), numeric: true, cell: (task) => formatDuration(task.wait_p50_ms) },
  { header: t('overview.wait_p95'), numeric: true, cell: (task) => formatDuration(task.wait_p95_ms) },
]

const QUEUE_COLUMNS: Column<QueueOverview>[] = [
  { header: t('queues.name'), cell: (queue) => <QueueName queue={queue} /> },
  { header: t('queues.depth'), numeric: true, cell: (queue) => countText(queue.depth) },
  { header: t('queues.delayed'), numeric: true, cell: (queue) => countText(queue.delayed) },
  { header: t('queues.in_flight'), numeric: true, cell: (queue) => countText(queue.in_flight) },
  {
    header: t('overview.oldest'),
    numeric: true,
    cell: (queue) => formatDuration(queue.oldest_age_seconds === null ? null : queue.oldest_age_seconds * 1000),
  },
]

/**
 * Throughput (stacked bars, left axis) and failure rate (line, right axis) over one time axis. The rate has dots:
 * a step between two quiet ones has no line to either side.
 */
function ActivityChart({ overview }: { overview: Overview }) {
  const zone = useTimeZone()
  const tickLabel = (instant: string) => axisLabel(instant, overview.step_seconds, zone)
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <ComposedChart data={fillAxis(overview)}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="start" tickFormatter={tickLabel} tick={TICK} minTickGap={16} />
        <YAxis yAxisId="count" allowDecimals={false} tick={TICK} />
        <YAxis yAxisId="rate" orientation="right" domain={[0, 100]} unit="%" tick={TICK} />
        <Tooltip
          labelFormatter={(instant) => tickLabel(String(instant))}
          formatter={(value, _name, item) => (item.dataKey === 'failure_percent' ? formatRate(Number(value) / 100) : value)}
        />
        <Legend formatter={legendText} />
        <Bar yAxisId="count" dataKey="success" name={t('queues.success')} stackId="outcome"
          fill={OUTCOME_COLOURS.success} isAnimationActive={false} />
        <Bar yAxisId="count" dataKey="failed" name={t('queues.failed')} stackId="outcome"
          fill={OUTCOME_COLOURS.failed} isAnimationActive={false} />
        <Line yAxisId="rate" type="linear" dataKey="failure_percent" name={t('overview.failure_rate')}
          stroke={OUTCOME_COLOURS.rate} dot={{ r: 3 }} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  )
}

export function OverviewPage() {
  const [chosen, choose] = useState<OverviewWindow>('1h')
  const overview = useOverview(chosen)
  return (
    <section>
      <LivePageHeader title={t('overview.title')}>
        <div className="actions">
          <SelectField
            label={t('overview.window')}
            testId="overview-window"
            choices={WINDOWS}
            choiceLabel={(choice) => label('overview_windows', choice)}
            value={chosen}
            onChange={choose}
          />
        </div>
      </LivePageHeader>
      <QueryState query={overview}>
        {(data) => (
          <>
            <section className="card" data-testid="overview-statuses">
              <h2>{t('overview.statuses_title')}</h2>
              <DataTable testId="status-table" columns={STATUS_COLUMNS} rows={statusRows(data)}
                rowKey={(row) => row.status} rowTestId="status-row"
                rowAttributes={(row) => ({ 'data-status': row.status })} />
            </section>
            <section className="card" data-testid="overview-chart">
              <h2>{t('overview.chart_title')}</h2>
              <ActivityChart overview={data} />
            </section>
            <section className="card" data-testid="overview-tasks">
              <h2>{t('overview.tasks_title')}</h2>
              {data.tasks.length === 0 ? <p className="muted">{t('overview.no_tasks')}</p> : (
                <DataTable testId="task-table" columns={TASK_COLUMNS} rows={data.tasks} rowKey={(task) => task.task_name}
                  rowTestId="task-row" rowAttributes={(task) => ({ 'data-task': task.task_name })} />
              )}
            </section>
            <section className="card" data-testid="overview-queues">
              <h2>{t('overview.queues_title')}</h2>
              {!data.broker_reachable && <BrokerBanner error={null} />}
              {data.broker_reachable && data.queues.length === 0 ? <p className="muted">{t('queues.empty')}</p> : (
                <DataTable testId="overview-queue-table" columns={QUEUE_COLUMNS} rows={data.queues}
                  rowKey={(queue) => queue.name} rowTestId="overview-queue-row"
                  rowAttributes={(queue) => ({ 'data-name': queue.name, 'data-paused': queue.paused })} />
              )}
            </section>
          </>
        )}
      </QueryState>
    </section>
  )
}
