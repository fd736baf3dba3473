import { useTimeZone } from '../app/zoneChoice'
import { formatExact, formatRelative } from '../displayTime'
import { t } from '../i18n'
import { useNow } from './useNow'

interface TimeProps {
  instant: string | null
  /**
   * `relative` (default): `3 min ago`, the exact time on hover; `exact`: the time in the chosen zone, the relative
   * one on hover; `both`: the exact time and the relative one, for fields a phone or keyboard user must read whole.
   */
  show?: 'relative' | 'exact' | 'both'
}

/** An instant in the zone the user picked (named), and how long ago it was. */
export function Time({ instant, show = 'relative' }: TimeProps) {
  const zone = useTimeZone()
  const now = useNow()
  if (instant === null) {
    return <>{t('app.empty_value')}</>
  }
  const exact = formatExact(instant, zone)
  const relative = formatRelative(instant, now, zone)
  const texts = { relative: [relative, exact], exact: [exact, relative], both: [`${exact} (${relative})`, undefined] }
  const [text, title] = texts[show]
  return (
    <time dateTime={instant} title={title}>
      {text}
    </time>
  )
}
