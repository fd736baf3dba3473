import { t } from '../../i18n'

/** How a setting's value is edited, from its `kind` as the API answers it. */
export type SettingEditor = 'choice' | 'number' | 'text'

export function editorOf(kind: string): SettingEditor {
  switch (kind) {
    case 'boolean':
      return 'choice'
    case 'seconds':
    case 'days':
    case 'retries':
      return 'number'
    default:
      return 'text'
  }
}

/** The values of a `choice` setting. */
export const BOOLEAN_CHOICES = ['true', 'false'] as const

/**
 * Whether the typed value would change the stored one, as the server compares them (it trims, and reads booleans
 * in any case): Save stays disabled until there is something to save, so a click never writes an audit line for
 * nothing.
 */
export function isChange(kind: string, stored: string, typed: string): boolean {
  const value = typed.trim()
  return kind === 'boolean' ? value.toLowerCase() !== stored.toLowerCase() : value !== stored
}

/** When a change takes effect, from the setting's `applies`. */
export function appliesText(applies: string): string {
  switch (applies) {
    case 'next_use':
      return t('settings.at_once')
    case 'within_seconds':
      return t('settings.within_seconds')
    default:
      return t('settings.after_restart')
  }
}
