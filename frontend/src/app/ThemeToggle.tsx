import { useState } from 'react'
import { label, t } from '../i18n'
import { applyTheme, nextTheme, storedTheme } from './theme'

/** Cycles the colour scheme: the system's, light, dark. */
export function ThemeToggle() {
  const [choice, setChoice] = useState(storedTheme)
  function toggle() {
    const next = nextTheme(choice)
    applyTheme(next)
    setChoice(next)
  }
  return (
    <button
      type="button"
      className="nav-button"
      data-testid="theme-toggle"
      data-theme-choice={choice}
      title={t('theme.toggle')}
      onClick={toggle}
    >
      {t('theme.label', { choice: label('theme', choice) })}
    </button>
  )
}
