import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useNotifyFailure, useToast } from '../../components/toast'
import { t } from '../../i18n'
import { revokeExecution } from './api'
import { executionKeys } from './queries'

/** Revoke, after a confirmation: a waiting execution never runs, a running one's worker is asked to stop it. */
export function RevokeAction({ execution }: { execution: { id: string; task_name: string } }) {
  const [asking, setAsking] = useState(false)
  const queryClient = useQueryClient()
  const notify = useToast()
  const revoke = useMutation({
    mutationFn: () => revokeExecution(execution.id),
    onSuccess: async (answer) => {
      notify(answer.revocation === 'stop_requested' ? t('toasts.stop_requested') : t('toasts.revoked'))
      await queryClient.invalidateQueries({ queryKey: executionKeys.all })
    },
    onError: useNotifyFailure(),
    onSettled: () => setAsking(false),
  })
  return (
    <>
      <button type="button" className="danger" data-testid="revoke-button" onClick={() => setAsking(true)}>
        {t('detail.revoke')}
      </button>
      {asking && (
        <ConfirmDialog
          testId="revoke"
          title={t('revoke_dialog.title')}
          message={t('revoke_dialog.message', { task: execution.task_name })}
          confirmLabel={t('revoke_dialog.confirm')}
          cancelLabel={t('revoke_dialog.cancel')}
          busy={revoke.isPending}
          onConfirm={() => revoke.mutate()}
          onCancel={() => setAsking(false)}
        />
      )}
    </>
  )
}
