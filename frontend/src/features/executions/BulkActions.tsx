import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { useNotifyFailure, useToast } from '../../components/toast'
import { t } from '../../i18n'
import { runBulk } from './api'
import type { BulkAction, ExecutionFilters } from './api'
import { executionKeys } from './queries'

/** What the operator asked for: an action over the selection (`ids`) or everything the search matches (null). */
interface Request {
  action: BulkAction
  ids: string[] | null
}

/**
 * A request the server has counted, waiting for the operator to confirm it: `acting` is how many the confirmation
 * acts on (the counted ids: at most the newest 10,000 of `matched`), under the search that was counted.
 */
interface Counted extends Request {
  acting: number
  matched: number
  filters: ExecutionFilters
}

interface BulkActionsProps {
  filters: ExecutionFilters
  selected: string[]
  onDone: () => void
}

/**
 * Retry or discard the selection, or all that the search matches, on the Dead list. The server counts first (a
 * dry run), the dialog names that number, and only the confirmation acts; the server retries each failure once
 * however often it is asked, so a double click retries nothing twice.
 */
export function BulkActions({ filters, selected, onDone }: BulkActionsProps) {
  const [asking, setAsking] = useState<Counted | null>(null)
  const queryClient = useQueryClient()
  const notify = useToast()
  const notifyFailure = useNotifyFailure()

  const count = useMutation({
    mutationFn: (request: Request) => runBulk(request.action, filters, request.ids, true),
    onSuccess: (answer, request) => {
      // All matching is confirmed as the executions counted, so what fails after the count is left alone, and under
      // the search counted: one changed meanwhile (Back, with the dialog open) kept none of the counted ids.
      const ids = request.ids ?? answer.ids ?? null
      if (answer.matched === 0) {
        notify(t('bulk.nothing'))
      } else {
        setAsking({ ...request, ids, acting: ids?.length ?? answer.matched, matched: answer.matched, filters })
      }
    },
    onError: notifyFailure,
  })

  const act = useMutation({
    mutationFn: (request: Counted) => runBulk(request.action, request.filters, request.ids, false),
    onSuccess: async (answer, request) => {
      const done = request.action === 'retry' ? (answer.retried ?? []) : (answer.discarded ?? [])
      const refused = Object.values(answer.refused ?? {})
      if (refused.length > 0) {
        notify(t('bulk.retried_refused', { count: done.length, refused: refused.length, first: refused[0] }))
      } else {
        notify(t(request.action === 'retry' ? 'bulk.retried' : 'bulk.discarded', { count: done.length }))
      }
      onDone()
      await queryClient.invalidateQueries({ queryKey: executionKeys.all })
    },
    onError: notifyFailure,
    onSettled: () => setAsking(null),
  })

  const busy = count.isPending || act.isPending
  const button = (action: BulkAction, ids: string[] | null, label: string, testId: string) => (
    <button
      type="button"
      className={action === 'discard' ? 'danger' : 'primary'}
      data-testid={testId}
      disabled={busy || (ids !== null && ids.length === 0)}
      onClick={() => count.mutate({ action, ids })}
    >
      {label}
    </button>
  )

  return (
    <div className="actions bulk-actions" role="group" aria-label={t('bulk.label')} data-testid="bulk-actions">
      {button('retry', selected, t('bulk.retry_selected', { count: selected.length }), 'bulk-retry-selected')}
      {button('discard', selected, t('bulk.discard_selected', { count: selected.length }), 'bulk-discard-selected')}
      {button('retry', null, t('bulk.retry_all'), 'bulk-retry-all')}
      {button('discard', null, t('bulk.discard_all'), 'bulk-discard-all')}
      {asking && (
        <ConfirmDialog
          testId="bulk"
          title={t(asking.action === 'retry' ? 'bulk.retry_title' : 'bulk.discard_title', { count: asking.acting })}
          message={
            t(asking.action === 'retry' ? 'bulk.retry_message' : 'bulk.discard_message') +
            (asking.matched > asking.acting ? ' ' + t('bulk.more_match', { count: asking.acting, matched: asking.matched }) : '')
          }
          confirmLabel={t(asking.action === 'retry' ? 'bulk.confirm_retry' : 'bulk.confirm_discard', {
            count: asking.acting,
          })}
          cancelLabel={t('bulk.cancel')}
          busy={act.isPending}
          onConfirm={() => act.mutate(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </div>
  )
}
