import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useNavigate } from 'react-router'
import type { ExecutionDetail } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useNotifyFailure, useToast } from '../../components/toast'
import { t } from '../../i18n'
import { PERMISSIONS } from '../session/api'
import { useCan } from '../session/queries'
import { isFinished, isRetryable, retryExecution } from './api'
import { executionKeys } from './queries'
import { RevokeAction } from './RevokeAction'

/** Retry (failed or stuck) and Revoke (not yet finished), each after a confirmation; only with `manage`. */
export function ExecutionActions({ execution }: { execution: ExecutionDetail }) {
  const canManage = useCan(PERMISSIONS.manage)
  const [asking, setAsking] = useState(false)
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const notify = useToast()
  const notifyFailure = useNotifyFailure()

  const retry = useMutation({
    mutationFn: () => retryExecution(execution.id),
    onSuccess: async (retried) => {
      notify(t('toasts.retried'))
      await queryClient.invalidateQueries({ queryKey: executionKeys.all })
      await navigate(`/${retried.id}`)
    },
    onError: notifyFailure,
    onSettled: () => setAsking(false),
  })

  if (!canManage) {
    return null
  }
  return (
    <div className="actions">
      {isRetryable(execution.status) && (
        <button type="button" className="primary" data-testid="retry-button" onClick={() => setAsking(true)}>
          {t('detail.retry')}
        </button>
      )}
      {!isFinished(execution.status) && <RevokeAction execution={execution} />}
      {asking && (
        <ConfirmDialog
          testId="retry"
          title={t('retry_dialog.title')}
          message={t('retry_dialog.message', { task: execution.task_name })}
          confirmLabel={t('retry_dialog.confirm')}
          cancelLabel={t('retry_dialog.cancel')}
          busy={retry.isPending}
          onConfirm={() => retry.mutate()}
          onCancel={() => setAsking(false)}
        />
      )}
    </div>
  )
}
