import { useQuery } from '@tanstack/react-query'
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { LIVE_REFRESH_MS, fetchQueues, fetchStats } from '../api/live'
import type { MinuteOutcomes, QueueState } from '../api/types'
import { ErrorMessage } from '../components/ErrorMessage'
import { t } from '../i18n'

const STATS_MINUTES = 60
const CHART_HEIGHT = 260
const SERIES_COLOURS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#475569']

function minuteLabel(minute: string): string {
  return new Date(minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/** One row per minute with a column per queue, as the line chart wants it. */
export function throughputByMinute(queues: QueueState[]): Record<string, string | number>[] {
  const rows = new Map<string, Record<string, string | number>>()
  for (const queue of queues) {
    for (const { minute, count } of queue.throughput) {
      const row = rows.get(minute) ?? { minute }
      row[queue.name] = count
      rows.set(minute, row)
    }
  }
  return [...rows.values()].sort((a, b) => String(a.minute).localeCompare(String(b.minute)))
}

function QueueTable({ queues }: { queues: QueueState[] }) {
  return (
    <table className="table" data-testid="queues-table">
      <thead>
        <tr>
          <th>{t('queues.name')}</th>
          <th className="number">{t('queues.depth')}</th>
          <th className="number">{t('queues.delayed')}</th>
          <th className="number">{t('queues.in_flight')}</th>
        </tr>
      </thead>
      <tbody>
        {queues.map((queue) => (
          <tr key={queue.name} data-testid="queue-row" data-name={queue.name}>
            <td>{queue.name}</td>
            <td className="number">{queue.depth}</td>
            <td className="number">{queue.delayed}</td>
            <td className="number">{queue.in_flight}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function ThroughputChart({ queues }: { queues: QueueState[] }) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <LineChart data={throughputByMinute(queues)}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="minute" tickFormatter={minuteLabel} />
        <YAxis allowDecimals={false} />
        <Tooltip labelFormatter={(minute) => minuteLabel(String(minute))} />
        <Legend />
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
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <BarChart data={minutes}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="minute" tickFormatter={minuteLabel} />
        <YAxis allowDecimals={false} />
        <Tooltip labelFormatter={(minute) => minuteLabel(String(minute))} />
        <Legend />
        <Bar dataKey="success" name={t('queues.success')} stackId="outcome" fill="#16a34a" isAnimationActive={false} />
        <Bar dataKey="failed" name={t('queues.failed')} stackId="outcome" fill="#dc2626" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  )
}

export function QueuesPage() {
  const queues = useQuery({ queryKey: ['queues'], queryFn: fetchQueues, refetchInterval: LIVE_REFRESH_MS })
  const stats = useQuery({
    queryKey: ['stats', STATS_MINUTES],
    queryFn: () => fetchStats(STATS_MINUTES),
    refetchInterval: LIVE_REFRESH_MS,
  })
  return (
    <section>
      <header className="page-header">
        <h1>{t('queues.title')}</h1>
        <span className="muted small">{t('app.live')}</span>
      </header>
      {queues.isPending && <p>{t('app.loading')}</p>}
      {queues.isError && <ErrorMessage error={queues.error} />}
      {queues.data &&
        (queues.data.queues.length === 0 ? (
          <p className="empty">{t('queues.empty')}</p>
        ) : (
          <>
            <QueueTable queues={queues.data.queues} />
            <section className="card" data-testid="throughput-chart">
              <h2>{t('queues.throughput_title')}</h2>
              <ThroughputChart queues={queues.data.queues} />
            </section>
          </>
        ))}
      {stats.isError && <ErrorMessage error={stats.error} />}
      {stats.data && (
        <section className="card" data-testid="outcomes-chart">
          <h2>{t('queues.outcomes_title')}</h2>
          <OutcomesChart minutes={stats.data.minutes} />
        </section>
      )}
    </section>
  )
}
