import { createContext, useCallback, useContext } from 'react'
import { errorText } from '../api/client'
import { t } from '../i18n'

export type ToastKind = 'success' | 'error'

/** Somewhere in the app the message is about, e.g. the execution an action started. */
export interface ToastLink {
  to: string
  label: string
}

export type Notify = (message: string, kind?: ToastKind, link?: ToastLink) => void

/** Filled by ToastProvider; the hooks live apart from it so that its module holds only components. */
export const ToastContext = createContext<Notify>(() => {})

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
