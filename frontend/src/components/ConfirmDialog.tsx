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

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])'

/** Keeps Tab and Shift+Tab inside the dialog, wrapping at either end. */
function trapTab(event: KeyboardEvent, dialog: HTMLElement) {
  const focusable = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE))
  if (focusable.length === 0) {
    return
  }
  const first = focusable[0]
  const last = focusable[focusable.length - 1]
  const inside = dialog.contains(document.activeElement)
  if (event.shiftKey && (document.activeElement === first || !inside)) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
    event.preventDefault()
    first.focus()
  }
}

/**
 * A modal question with two answers. Focus starts on Cancel and stays inside (Tab and Shift+Tab wrap); Escape
 * and a click on the backdrop cancel; on close, focus returns to what had it before (the button that opened it).
 * The confirm button is `<testId>-confirm`.
 */
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
  const dialog = useRef<HTMLDivElement>(null)
  const cancelButton = useRef<HTMLButtonElement>(null)
  const cancel = useRef(onCancel)

  useEffect(() => {
    cancel.current = onCancel
  }, [onCancel])

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    cancelButton.current?.focus()
    // On the document, not the dialog: keys count even when a click inside left focus on the body.
    function keydown(event: KeyboardEvent) {
      if (event.key === 'Escape') {
        cancel.current()
      } else if (event.key === 'Tab' && dialog.current !== null) {
        trapTab(event, dialog.current)
      }
    }
    document.addEventListener('keydown', keydown)
    return () => {
      document.removeEventListener('keydown', keydown)
      opener?.focus()
    }
  }, [])

  return (
    <div
      className="dialog-backdrop"
      data-testid={`${testId}-backdrop`}
      onMouseDown={(event) => event.target === event.currentTarget && onCancel()}
    >
      <div
        ref={dialog}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${testId}-title`}
        aria-describedby={`${testId}-message`}
        data-testid={`${testId}-dialog`}
      >
        <h2 id={`${testId}-title`}>{title}</h2>
        <p id={`${testId}-message`}>{message}</p>
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
