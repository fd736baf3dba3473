import type { Attempt } from '../../api/types'
import { Time } from '../../components/Time'
import { elapsed, formatDuration } from '../../format'
import { label, t } from '../../i18n'

/** Every delivery of the execution, oldest first: where it ran, when, how long, and how it ended. */
export function AttemptList({ attempts, now }: { attempts: Attempt[]; now: number }) {
  if (attempts.length === 0) {
    return <p className="muted">{t('attempts.none')}</p>
  }
  return (
    <ol className="attempts" data-testid="attempts">
      {attempts.map((attempt) => (
        <li key={attempt.number} data-testid="attempt" data-outcome={attempt.outcome}>
          <div className="attempt-head">
            <strong>{t('attempts.number', { number: attempt.number })}</strong>
            <span className={`attempt-outcome outcome-${attempt.outcome}`}>{label('outcome', attempt.outcome)}</span>
            <span className="muted">{attempt.worker ?? t('app.empty_value')}</span>
          </div>
          <div className="small">
            <Time instant={attempt.started_at} />
            {' → '}
            <Time instant={attempt.finished_at} />
            {' · '}
            {formatDuration(elapsed(attempt.started_at, attempt.finished_at, now))}
          </div>
          {attempt.exception_type && (
            <div className="error-text small" data-testid="attempt-error">
              <strong>{attempt.exception_type}</strong>
              {attempt.exception_message && `: ${attempt.exception_message}`}
            </div>
          )}
        </li>
      ))}
    </ol>
  )
}
