import { useState } from 'react'
import type { Schedule } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { LivePageHeader } from '../../components/LivePageHeader'
import { QueryState } from '../../components/QueryState'
import { useConfirmedDelete } from '../../components/useConfirmedDelete'
import { t } from '../../i18n'
import { PERMISSIONS } from '../session/api'
import { useCan } from '../session/queries'
import { deleteSchedule } from './api'
import { scheduleKeys, useSchedule, useSchedules } from './queries'
import { ScheduleForm } from './ScheduleForm'
import { ScheduleTable } from './ScheduleTable'

/** Edits the schedule as the server has it now (nothing is cached), not as the list showed it. */
function EditSchedule({ id, onDone }: { id: string; onDone: () => void }) {
  return (
    <QueryState query={useSchedule(id)}>{(schedule) => <ScheduleForm schedule={schedule} onDone={onDone} />}</QueryState>
  )
}

/** Every schedule, live; with `manage` also the form, the toggle, run now, edit and delete. */
export function SchedulesPage() {
  const canManage = useCan(PERMISSIONS.manage)
  const schedules = useSchedules()
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null)
  const deletion = useConfirmedDelete({
    remove: (schedule: Schedule) => deleteSchedule(schedule.id),
    queryKey: scheduleKeys.all,
    deletedText: (schedule) => t('toasts.schedule_deleted', { name: schedule.name }),
  })

  const close = () => setEditing(null)

  return (
    <section>
      <LivePageHeader title={t('schedules.title')}>
        {canManage && (
          <div className="actions">
            <button type="button" className="primary" data-testid="schedule-create" onClick={() => setEditing('new')}>
              {t('schedules.create')}
            </button>
          </div>
        )}
      </LivePageHeader>
      {editing === 'new' && <ScheduleForm key="new" schedule={null} onDone={close} />}
      {editing !== null && editing !== 'new' && <EditSchedule key={editing.id} id={editing.id} onDone={close} />}
      <QueryState
        query={schedules}
        isEmpty={(data) => data.items.length === 0}
        emptyText={t('schedules.empty')}
        emptyTestId="schedules-empty"
      >
        {(data) => (
          <ScheduleTable schedules={data.items} canManage={canManage} onEdit={setEditing} onDelete={deletion.ask} />
        )}
      </QueryState>
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
