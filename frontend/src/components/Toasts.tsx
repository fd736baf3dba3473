import { createContext, useCallback, useContext, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { Link } from 'react-router'
import { errorText } from '../api/client'
import { t } from '../i18n'

type ToastKind = 'success' | 'error'

/** Somewhere in the app the message is about, e.g. the execution an action started. */
interface ToastLink {
  to: string
  label: string
}

interface Toast {
  id: number
  kind: ToastKind
  message: string
  link?: ToastLink
}

type Notify = (message: string, kind?: ToastKind, link?: ToastLink) => void

const ToastContext = createContext<Notify>(() => {})

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

export function useToast(): Notify {
  return useContext(ToastContext)
}

/** Reports a failed action with the server's own message. */
export function useNotifyFailure(): (error: unknown) => void {
  const notify = useToast()
  return useCallback(
    (error: unknown) =>
      notify(t('toasts.failed', { message: errorText(error) }), 'error'),
    [notify],
  )
}
