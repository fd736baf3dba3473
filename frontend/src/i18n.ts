import messages from './locales/en.json'

type Messages = typeof messages
/** A top-level group of the messages, e.g. `status` or `schedules`. */
export type Section = keyof Messages

export type MessageKey = {
  [S in Section]: `${S}.${keyof Messages[S] & string}`
}[Section]

type Values = Record<string, string | number>

function fill(template: string, values: Values): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in values ? String(values[name]) : placeholder,
  )
}

/** The English text for `section.key`, with `{name}` placeholders filled from `values`. */
export function t(key: MessageKey, values: Values = {}): string {
  const [section, name] = key.split('.') as [Section, string]
  const text = (messages[section] as Record<string, string>)[name]
  return fill(text, values)
}

/** The text for a value the server names (a status, an event), or the name itself when it is new to us. */
export function label(section: Section, name: string): string {
  return (messages[section] as Record<string, string>)[name] ?? name
}
