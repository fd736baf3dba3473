import type { ReactNode } from 'react'
import type { ExecutionDetail } from '../../api/types'
import { Time } from '../../components/Time'
import { elapsed, formatDuration } from '../../format'
import { t } from '../../i18n'
import type { MessageKey } from '../../i18n'
import { totalDuration } from './attempts'

function Field({ label, children }: { label: MessageKey; children: ReactNode }) {
  return (
    <>
      <dt>{t(label)}</dt>
      <dd>{children ?? t('app.empty_value')}</dd>
    </>
  )
}

/** The execution's scalar facts as a definition list. */
export function ExecutionFields({ execution, now }: { execution: ExecutionDetail; now: number }) {
  return (
    <dl className="fields" data-testid="detail-fields">
      <Field label="detail.id">
        <span className="mono">{execution.id}</span>
      </Field>
      <Field label="detail.task_id">
        <span className="mono">{execution.task_id}</span>
      </Field>
      <Field label="detail.queue">{execution.queue}</Field>
      <Field label="detail.priority">{execution.priority}</Field>
      <Field label="detail.worker">{execution.worker}</Field>
      <Field label="detail.retries">{execution.retries}</Field>
      <Field label="detail.deliveries">{execution.deliveries}</Field>
      <Field label="detail.queued_at"><Time instant={execution.queued_at} show="both" /></Field>
      <Field label="detail.started_at"><Time instant={execution.started_at} show="both" /></Field>
      <Field label="detail.finished_at"><Time instant={execution.finished_at} show="both" /></Field>
      <Field label="detail.total_duration">
        <span data-testid="detail-total-duration">{formatDuration(totalDuration(execution, now))}</span>
      </Field>
      {execution.attempts.length > 1 && (
        <Field label="detail.duration">
          {formatDuration(elapsed(execution.started_at, execution.finished_at, now))}
        </Field>
      )}
      {execution.eta && <Field label="detail.eta"><Time instant={execution.eta} show="both" /></Field>}
      {execution.expires_at && (
        <Field label="detail.expires_at">
          <Time instant={execution.expires_at} show="both" />
        </Field>
      )}
      <Field label="detail.heartbeat_at"><Time instant={execution.heartbeat_at} show="both" /></Field>
      {execution.stale_reports ? <Field label="detail.stale_reports">{execution.stale_reports}</Field> : null}
      {execution.revoke_reason && <Field label="detail.revoke_reason">{execution.revoke_reason}</Field>}
    </dl>
  )
}
