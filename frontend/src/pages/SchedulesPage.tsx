import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { LIVE_REFRESH_MS } from '../api/live'
import { SCHEDULES_KEY, deleteSchedule, fetchSchedule, fetchSchedules, scheduleKey } from '../api/schedules'
import { PERMISSIONS, useCan } from '../api/session'
import type { RecordId, Schedule } from '../api/types'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { ErrorMessage } from '../components/ErrorMessage'
import { useConfirmedDelete } from '../components/useConfirmedDelete'
import { t } from '../i18n'
import { ScheduleForm } from './ScheduleForm'
import { ScheduleTable } from './ScheduleTable'

/** Edits the schedule as the server has it now (nothing is cached), not as the list showed it. */
function EditSchedule({ id, onDone }: { id: RecordId; onDone: () => void }) {
  const schedule = useQuery({ queryKey: scheduleKey(id), queryFn: () => fetchSchedule(id), gcTime: 0 })
  if (schedule.isPending) {
    return <p>{t('app.loading')}</p>
  }
  if (schedule.isError) {
    return <ErrorMessage error={schedule.error} />
  }
  return <ScheduleForm schedule={schedule.data} onDone={onDone} />
}

/** Every schedule, live; with `manage` also the form, the toggle, run now, edit and delete. */
export function SchedulesPage() {
  const canManage = useCan(PERMISSIONS.manage)
  const schedules = useQuery({ queryKey: SCHEDULES_KEY, queryFn: fetchSchedules, refetchInterval: LIVE_REFRESH_MS })
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null)
  const deletion = useConfirmedDelete({
    remove: (schedule: Schedule) => deleteSchedule(schedule.id),
    queryKey: SCHEDULES_KEY,
    deletedText: (schedule) => t('toasts.schedule_deleted', { name: schedule.name }),
  })

  const close = () => setEditing(null)

  return (
    <section>
      <header className="page-header">
        <h1>{t('schedules.title')}</h1>
        <span className="muted small">{t('app.live')}</span>
        {canManage && (
          <div className="actions">
            <button type="button" className="primary" data-testid="schedule-create" onClick={() => setEditing('new')}>
              {t('schedules.create')}
            </button>
          </div>
        )}
      </header>
      {editing === 'new' && <ScheduleForm key="new" schedule={null} onDone={close} />}
      {editing !== null && editing !== 'new' && <EditSchedule key={editing.id} id={editing.id} onDone={close} />}
      {schedules.isPending && <p>{t('app.loading')}</p>}
      {schedules.isError && <ErrorMessage error={schedules.error} />}
      {schedules.data &&
        (schedules.data.items.length === 0 ? (
          <p className="empty" data-testid="schedules-empty">
            {t('schedules.empty')}
          </p>
        ) : (
          <ScheduleTable
            schedules={schedules.data.items}
            canManage={canManage}
            onEdit={setEditing}
            onDelete={deletion.ask}
          />
        ))}
      {deletion.deleting && (
        <ConfirmDialog
          testId="delete-schedule"
          title={t('schedules.delete_title', { name: deletion.deleting.name })}
          message={t('schedules.delete_message')}
          confirmLabel={t('schedules.delete')}
          cancelLabel={t('schedules.cancel')}
          {...deletion.dialog}
        />
      )}
    </section>
  )
}
