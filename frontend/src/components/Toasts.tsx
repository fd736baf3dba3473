import { useCallback, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { t } from '../i18n'
import { ToastContext } from './toast'
import type { Notify, ToastKind, ToastLink } from './toast'

interface Toast {
  id: number
  kind: ToastKind
  message: string
  link?: ToastLink
}

const TOAST_LIFETIME_MS = 5_000

/**
 * Short-lived messages after an action; each disappears after five seconds or when dismissed.
 * Lives inside the router, so that a toast can link to a page.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const nextId = useRef(1)

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id))
  }, [])

  const notify = useCallback<Notify>(
    (message, kind = 'success', link) => {
      const id = nextId.current++
      setToasts((current) => [...current, { id, kind, message, link }])
      setTimeout(() => dismiss(id), TOAST_LIFETIME_MS)
    },
    [dismiss],
  )

  return (
    <ToastContext.Provider value={notify}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.kind}`} data-testid="toast" data-kind={toast.kind}>
            <span>{toast.message}</span>
            {toast.link && (
              <Link to={toast.link.to} data-testid="toast-link">
                {toast.link.label}
              </Link>
            )}
            <button type="button" className="link" aria-label={t('toasts.dismiss')} onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}
