import type { ReactNode } from 'react'
import { t } from '../i18n'
import { usePageTitle } from './usePageTitle'

/** The title of a page that polls, marked live so that nobody reaches for a reload button; then its actions. */
export function LivePageHeader({ title, children }: { title: string; children?: ReactNode }) {
  usePageTitle(title)
  return (
    <header className="page-header">
      <h1>{title}</h1>
      <span className="muted small">{t('app.live')}</span>
      {children}
    </header>
  )
}
