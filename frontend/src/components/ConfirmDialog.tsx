import { useEffect, useRef } from 'react'

interface ConfirmDialogProps {
  testId: string
  title: string
  message: string
  confirmLabel: string
  cancelLabel: string
  busy?: boolean
  onConfirm: () => void
  onCancel: () => void
}

/** A modal question with two answers; Escape cancels. The confirm button is `<testId>-confirm`. */
export function ConfirmDialog({
  testId,
  title,
  message,
  confirmLabel,
  cancelLabel,
  busy = false,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const cancelButton = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    cancelButton.current?.focus()
  }, [])

  return (
    <div className="dialog-backdrop" onKeyDown={(event) => event.key === 'Escape' && onCancel()}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${testId}-title`}
        data-testid={`${testId}-dialog`}
      >
        <h2 id={`${testId}-title`}>{title}</h2>
        <p>{message}</p>
        <div className="dialog-actions">
          <button type="button" ref={cancelButton} data-testid={`${testId}-cancel`} onClick={onCancel}>
            {cancelLabel}
          </button>
          <button
            type="button"
            className="danger"
            data-testid={`${testId}-confirm`}
            disabled={busy}
            onClick={onConfirm}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  )
}
