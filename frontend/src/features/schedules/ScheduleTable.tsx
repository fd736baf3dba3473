import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { Schedule } from '../../api/types'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { Time } from '../../components/Time'
import { useNotifyFailure, useToast } from '../../components/toast'
import { label, t } from '../../i18n'
import { isEditable, runSchedule, setScheduleEnabled } from './api'
import { scheduleKeys } from './queries'
import { scheduleSummary } from './scheduleSummary'

interface ScheduleActionsProps {
  schedule: Schedule
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
      await queryClient.invalidateQueries({ queryKey: scheduleKeys.all })
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
function ScheduleActions({ schedule, onEdit, onDelete }: ScheduleActionsProps) {
  const queryClient = useQueryClient()
  const notify = useToast()
  const run = useMutation({
    mutationFn: () => runSchedule(schedule.id),
    onSuccess: async (execution) => {
      notify(t('toasts.schedule_run', { name: schedule.name }), 'success', {
        to: `/${execution.id}`,
        label: t('toasts.open_execution'),
      })
      await queryClient.invalidateQueries({ queryKey: scheduleKeys.all })
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

interface ScheduleTableOptions extends Omit<ScheduleActionsProps, 'schedule'> {
  /** With `manage`: the toggle, and a column of actions. */
  canManage: boolean
}

function columns({ canManage, onEdit, onDelete }: ScheduleTableOptions): Column<Schedule>[] {
  const shown: Column<Schedule>[] = [
    { header: t('schedules.name'), cell: (schedule) => schedule.name },
    { header: t('schedules.task_name'), className: 'mono', cell: (schedule) => schedule.task_name },
    { header: t('schedules.when'), testId: 'schedule-summary', cell: (schedule) => scheduleSummary(schedule) },
    { header: t('schedules.timezone'), cell: (schedule) => schedule.timezone },
    {
      header: t('schedules.enabled'),
      cell: (schedule) =>
        canManage ? <EnabledToggle schedule={schedule} /> : t(schedule.enabled ? 'schedules.on' : 'schedules.off'),
    },
    { header: t('schedules.next_run'), cell: (schedule) => <Time instant={schedule.next_run_at} /> },
    { header: t('schedules.last_run'), cell: (schedule) => <Time instant={schedule.last_run_at} /> },
    { header: t('schedules.total_runs'), numeric: true, cell: (schedule) => schedule.total_runs },
    {
      header: t('schedules.source'),
      cell: (schedule) => (
        <span className={`badge source-${schedule.source}`} data-testid="schedule-source">
          {label('schedule_sources', schedule.source)}
        </span>
      ),
    },
  ]
  if (!canManage) {
    return shown
  }
  return [
    ...shown,
    {
      header: t('schedules.actions'),
      cell: (schedule) => <ScheduleActions schedule={schedule} onEdit={onEdit} onDelete={onDelete} />,
    },
  ]
}

export function ScheduleTable({ schedules, ...options }: ScheduleTableOptions & { schedules: Schedule[] }) {
  return (
    <DataTable
      testId="schedules-table"
      columns={columns(options)}
      rows={schedules}
      rowKey={(schedule) => schedule.id}
      rowTestId="schedule-row"
      rowAttributes={(schedule) => ({
        'data-name': schedule.name,
        'data-enabled': schedule.enabled,
        'data-source': schedule.source,
      })}
    />
  )
}
