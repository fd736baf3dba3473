import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { MinuteOutcomes, QueueState } from '../../api/types'
import { CHART_HEIGHT, OUTCOME_COLOURS, TICK, legendText } from '../../components/chartStyle'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { LivePageHeader } from '../../components/LivePageHeader'
import { QueryState } from '../../components/QueryState'
import { useTimeZone } from '../../app/zoneChoice'
import { formatClock } from '../../displayTime'
import { t } from '../../i18n'
import { PERMISSIONS } from '../session/api'
import { useCan } from '../session/queries'
import { waitingCount } from './api'
import { QueueActions } from './QueueActions'
import { QueueName } from './QueueName'
import { useOutcomeStats, useQueues } from './queries'
import { throughputByMinute } from './throughput'

const STATS_MINUTES = 60
const SERIES_COLOURS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#475569']

/** Axis and tooltip labels: the minute's clock time in the zone every page shows. */
function useMinuteLabel(): (minute: string) => string {
  const zone = useTimeZone()
  return (minute) => formatClock(minute, zone)
}

const QUEUE_COLUMNS: Column<QueueState>[] = [
  { header: t('queues.name'), cell: (queue) => <QueueName queue={queue} /> },
  { header: t('queues.depth'), numeric: true, cell: (queue) => queue.depth },
  { header: t('queues.delayed'), numeric: true, cell: (queue) => queue.delayed },
  { header: t('queues.held'), numeric: true, cell: (queue) => queue.held },
  { header: t('queues.in_flight'), numeric: true, cell: (queue) => queue.in_flight },
]

/** With `manage`, a column of pause or resume and purge. */
const MANAGED_COLUMNS: Column<QueueState>[] = [
  ...QUEUE_COLUMNS,
  { header: t('queues.actions'), cell: (queue) => <QueueActions queue={queue} /> },
]

function ThroughputChart({ queues }: { queues: QueueState[] }) {
  const minuteLabel = useMinuteLabel()
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <LineChart data={throughputByMinute(queues)}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="minute" tickFormatter={minuteLabel} tick={TICK} />
        <YAxis allowDecimals={false} tick={TICK} />
        <Tooltip labelFormatter={(minute) => minuteLabel(String(minute))} />
        <Legend formatter={legendText} />
        {queues.map((queue, index) => (
          <Line
            key={queue.name}
            type="linear"
            dataKey={queue.name}
            stroke={SERIES_COLOURS[index % SERIES_COLOURS.length]}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  )
}

function OutcomesChart({ minutes }: { minutes: MinuteOutcomes[] }) {
  const minuteLabel = useMinuteLabel()
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={minutes}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="minute" tickFormatter={minuteLabel} tick={TICK} />
        <YAxis allowDecimals={false} tick={TICK} />
        <Tooltip labelFormatter={(minute) => minuteLabel(String(minute))} />
        <Legend formatter={legendText} />
        <Bar dataKey="success" name={t('queues.success')} stackId="outcome" fill={OUTCOME_COLOURS.success} isAnimationActive={false} />
        <Bar dataKey="failed" name={t('queues.failed')} stackId="outcome" fill={OUTCOME_COLOURS.failed} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  )
}

export function QueuesPage() {
  const canManage = useCan(PERMISSIONS.manage)
  const queues = useQueues()
  const stats = useOutcomeStats(STATS_MINUTES)
  return (
    <section>
      <LivePageHeader title={t('queues.title')} />
      <QueryState query={queues} isEmpty={(data) => data.queues.length === 0} emptyText={t('queues.empty')}>
        {(data) => (
          <>
            <DataTable
              testId="queues-table"
              columns={canManage ? MANAGED_COLUMNS : QUEUE_COLUMNS}
              rows={data.queues}
              rowKey={(queue) => queue.name}
              rowTestId="queue-row"
              rowAttributes={(queue) => ({ 'data-name': queue.name, 'data-paused': queue.paused, 'data-waiting': waitingCount(queue) })}
            />
            <section className="card" data-testid="throughput-chart">
              <h2>{t('queues.throughput_title')}</h2>
              <ThroughputChart queues={data.queues} />
            </section>
          </>
        )}
      </QueryState>
      <QueryState query={stats} pending={null}>
        {(data) => (
          <section className="card" data-testid="outcomes-chart">
            <h2>{t('queues.outcomes_title')}</h2>
            <OutcomesChart minutes={data.minutes} />
          </section>
        )}
      </QueryState>
    </section>
  )
}
