import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { ExecutionSummary } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useNotifyFailure, useToast } from '../../components/toast'
import { t } from '../../i18n'
import { runNow } from './api'
import { executionKeys } from './queries'
import { RevokeAction } from './RevokeAction'

/**
 * "Run now" ("Retry now" for a retry's backoff), confirmed, and on the Scheduled list "Revoke". Run now sends the
 * retries the row shows, so a retry that has moved on to its next backoff since is left alone.
 */
export function WaitingActions({ execution }: { execution: ExecutionSummary }) {
  const [asking, setAsking] = useState(false)
  const queryClient = useQueryClient()
  const notify = useToast()
  const run = useMutation({
    mutationFn: () => runNow(execution.id, execution.retries),
    onSuccess: async () => {
      notify(t('run_now.done'))
      await queryClient.invalidateQueries({ queryKey: executionKeys.all })
    },
    onError: useNotifyFailure(),
    onSettled: () => setAsking(false),
  })

  const retrying = execution.status === 'retrying'
  return (
    <div className="actions">
      <button type="button" className="primary" data-testid="run-now" onClick={() => setAsking(true)}>
        {retrying ? t('run_now.retry') : t('run_now.run')}
      </button>
      {!retrying && <RevokeAction execution={execution} />}
      {asking && (
        <ConfirmDialog
          testId="run-now"
          title={t('run_now.title')}
          message={t('run_now.message', { task: execution.task_name })}
          confirmLabel={t('run_now.confirm')}
          cancelLabel={t('bulk.cancel')}
          busy={run.isPending}
          onConfirm={() => run.mutate()}
          onCancel={() => setAsking(false)}
        />
      )}
    </div>
  )
}
