import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { QueueState } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useNotifyFailure, useToast } from '../../components/toast'
import { t } from '../../i18n'
import { queueActions, runQueueAction, waitingCount } from './api'
import type { QueueAction, QueueActionAnswer } from './api'
import { queueKeys } from './queries'

function doneText(action: QueueAction, answer: QueueActionAnswer): string {
  return t(`queue_actions.${action}_done`, { name: answer.name, count: answer.purged ?? 0 })
}

/**
 * Pause or resume, and purge while something waits: each asks first, naming how many waiting executions it
 * concerns (the count of the last poll; the toast says how many a purge revoked). Only rendered for `manage`.
 */
export function QueueActions({ queue }: { queue: QueueState }) {
  const [asking, setAsking] = useState<QueueAction | null>(null)
  const queryClient = useQueryClient()
  const notify = useToast()
  const mutation = useMutation({
    mutationFn: (action: QueueAction) => runQueueAction(queue.name, action),
    onSuccess: async (answer, action) => {
      notify(doneText(action, answer))
      await queryClient.invalidateQueries({ queryKey: queueKeys.all })
    },
    onError: useNotifyFailure(),
    onSettled: () => setAsking(null),
  })
  const count = waitingCount(queue)
  return (
    <div className="row-actions">
      {queueActions(queue).map((action) => (
        <button key={action} type="button" data-testid={`queue-${action}`} onClick={() => setAsking(action)}>
          {t(`queue_actions.${action}`)}
        </button>
      ))}
      {asking && (
        <ConfirmDialog
          testId={`queue-${asking}`}
          title={t(`queue_actions.${asking}_title`, { name: queue.name })}
          message={t(`queue_actions.${asking}_message`, { count })}
          confirmLabel={t(`queue_actions.${asking}_confirm`, { count })}
          cancelLabel={t('queue_actions.cancel')}
          busy={mutation.isPending}
          onConfirm={() => mutation.mutate(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </div>
  )
}
