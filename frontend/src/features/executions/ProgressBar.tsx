/** Progress in percent (0..100), with the task's own words for the current step. */
export function ProgressBar({ percent, step }: { percent: number; step: string | null }) {
  const clamped = Math.min(100, Math.max(0, percent))
  return (
    <div className="progress" data-testid="progress-bar">
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={clamped}
      >
        <div className="progress-fill" style={{ width: `${clamped}%` }} />
      </div>
      <span className="progress-text">
        {clamped}%{step ? ` · ${step}` : ''}
      </span>
    </div>
  )
}
