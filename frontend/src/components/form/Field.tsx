import type { ReactNode } from 'react'

export interface FieldFrame {
  /** The caption above the control. */
  label: string
  /** The control's `data-testid`; its inline error is `<testId>-error`. */
  testId: string
  /** Why the value is refused, shown under the control; nothing while it is fine. */
  error?: string | null
  /** A quiet line under the control, e.g. the syntax expected. */
  hint?: string
  /** Where the field sits in its form's layout: `wide` spans the grid, `grow` takes the rest of a row. */
  className?: 'wide' | 'grow'
}

/** The label that holds a control with its caption, hint and inline error. */
export function Field({ label, testId, error, hint, className, children }: FieldFrame & { children: ReactNode }) {
  return (
    <label className={className}>
      {label}
      {children}
      {hint && <span className="muted small">{hint}</span>}
      {error && (
        <span className="error-text small" role="alert" data-testid={`${testId}-error`}>
          {error}
        </span>
      )}
    </label>
  )
}
