import { useMutation, useQueryClient } from '@tanstack/react-query'
import { SCHEDULES_KEY, isEditable, runSchedule, setScheduleEnabled } from '../api/schedules'
import type { Schedule } from '../api/types'
import { useNotifyFailure, useToast } from '../components/Toasts'
import { formatInterval } from '../format'
import { label, t } from '../i18n'
import { formatInZone } from '../timeZones'

/** When the schedule fires, in words: `Cron 0 3 * * 1`, `Every 1h 30m`, `Sunset at 52.5, 13.4`, `Once at …`. */
export function scheduleSummary(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'cron':
      return t('schedules.summary_cron', { cron: schedule.cron ?? '' })
    case 'interval':
      return t('schedules.summary_interval', { interval: formatInterval(schedule.interval_seconds ?? 0) })
    case 'solar':
      return t('schedules.summary_solar', {
        event: label('solar_events', schedule.solar_event ?? ''),
        latitude: schedule.latitude ?? '',
        longitude: schedule.longitude ?? '',
      })
    case 'one_off':
      return t('schedules.summary_one_off', { at: formatInZone(schedule.run_at, schedule.timezone) })
  }
}

interface ScheduleRowProps {
  schedule: Schedule
  canManage: boolean
  onEdit: (schedule: Schedule) => void
  onDelete: (schedule: Schedule) => void
}

function EnabledToggle({ schedule }: { schedule: Schedule }) {
  const queryClient = useQueryClient()
  const notify = useToast()
  const toggle = useMutation({
    mutationFn: () => setScheduleEnabled(schedule.id, !schedule.enabled),
    onSuccess: async (changed) => {
      notify(t(changed.enabled ? 'toasts.schedule_enabled' : 'toasts.schedule_disabled', { name: changed.name }))
      await queryClient.invalidateQueries({ queryKey: SCHEDULES_KEY })
    },
    onError: useNotifyFailure(),
  })
  return (
    <input
      type="checkbox"
      data-testid="schedule-enabled"
      aria-label={t('schedules.enable_label', { name: schedule.name })}
      checked={schedule.enabled}
      disabled={toggle.isPending}
      onChange={() => toggle.mutate()}
    />
  )
}

/** Run now for every schedule; edit and delete only for those made here, the others say why. */
function ScheduleActions({ schedule, onEdit, onDelete }: Omit<ScheduleRowProps, 'canManage'>) {
  const queryClient = useQueryClient()
  const notify = useToast()
  const run = useMutation({
    mutationFn: () => runSchedule(schedule.id),
    onSuccess: async (execution) => {
      notify(t('toasts.schedule_run', { name: schedule.name }), 'success', {
        to: `/${execution.id}`,
        label: t('toasts.open_execution'),
      })
      await queryClient.invalidateQueries({ queryKey: SCHEDULES_KEY })
    },
    onError: useNotifyFailure(),
  })
  return (
    <div className="row-actions">
      <button type="button" data-testid="schedule-run" disabled={run.isPending} onClick={() => run.mutate()}>
        {t('schedules.run')}
      </button>
      {isEditable(schedule.source) ? (
        <>
          <button type="button" data-testid="schedule-edit" onClick={() => onEdit(schedule)}>
            {t('schedules.edit')}
          </button>
          <button type="button" className="danger" data-testid="schedule-delete" onClick={() => onDelete(schedule)}>
            {t('schedules.delete')}
          </button>
        </>
      ) : (
        <span className="muted small" data-testid="schedule-locked">
          {t(`schedules.locked_${schedule.source}`)}
        </span>
      )}
    </div>
  )
}

function ScheduleRow({ schedule, canManage, onEdit, onDelete }: ScheduleRowProps) {
  return (
    <tr
      data-testid="schedule-row"
      data-name={schedule.name}
      data-enabled={schedule.enabled}
      data-source={schedule.source}
    >
      <td>{schedule.name}</td>
      <td className="mono">{schedule.task_name}</td>
      <td data-testid="schedule-summary">{scheduleSummary(schedule)}</td>
      <td>{schedule.timezone}</td>
      <td>
        {canManage ? <EnabledToggle schedule={schedule} /> : t(schedule.enabled ? 'schedules.on' : 'schedules.off')}
      </td>
      <td>{formatInZone(schedule.next_run_at, schedule.timezone)}</td>
      <td>{formatInZone(schedule.last_run_at, schedule.timezone)}</td>
      <td className="number">{schedule.total_runs}</td>
      <td>
        <span className={`badge source-${schedule.source}`} data-testid="schedule-source">
          {label('schedule_sources', schedule.source)}
        </span>
      </td>
      {canManage && (
        <td>
          <ScheduleActions schedule={schedule} onEdit={onEdit} onDelete={onDelete} />
        </td>
      )}
    </tr>
  )
}

type ScheduleTableProps = Omit<ScheduleRowProps, 'schedule'> & { schedules: Schedule[] }

export function ScheduleTable({ schedules, canManage, onEdit, onDelete }: ScheduleTableProps) {
  return (
    <table className="table" data-testid="schedules-table">
      <thead>
        <tr>
          <th>{t('schedules.name')}</th>
          <th>{t('schedules.task_name')}</th>
          <th>{t('schedules.when')}</th>
          <th>{t('schedules.timezone')}</th>
          <th>{t('schedules.enabled')}</th>
          <th>{t('schedules.next_run')}</th>
          <th>{t('schedules.last_run')}</th>
          <th className="number">{t('schedules.total_runs')}</th>
          <th>{t('schedules.source')}</th>
          {canManage && <th>{t('schedules.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {schedules.map((schedule) => (
          <ScheduleRow key={schedule.id} schedule={schedule} canManage={canManage} onEdit={onEdit} onDelete={onDelete} />
        ))}
      </tbody>
    </table>
  )
}
