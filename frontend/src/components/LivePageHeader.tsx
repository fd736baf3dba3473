import type { ReactNode } from 'react'
import { useConnection } from '../app/connection'
import { label } from '../i18n'
import { usePageTitle } from './usePageTitle'

/** The title of a live page and the stream's state beside it (so that nobody reaches for reload); then its actions. */
export function LivePageHeader({ title, children }: { title: string; children?: ReactNode }) {
  usePageTitle(title)
  const { state } = useConnection()
  return (
    <header className="page-header">
      <h1>{title}</h1>
      <span className={`connection connection-${state}`} data-testid="connection-indicator" data-state={state} role="status">
        <span className="connection-dot" aria-hidden="true" />
        {label('connection', state)}
      </span>
      {children}
    </header>
  )
}
