import { ApiError, errorText } from '../../api/client'
import { useDebounced } from '../../components/useDebounced'
import { t } from '../../i18n'
import { formatInZone } from '../../timeZones'
import type { PreviewRequest } from './api'
import { useSchedulePreview } from './queries'

const PREVIEW_DEBOUNCE_MS = 300

/** The server's message, and where a 422 found the problem: `… (field 1, character 3)`. */
function problemText(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return errorText(error)
  }
  const place = [
    error.field === null ? null : t('schedules.error_field', { field: error.field }),
    error.offset === null ? null : t('schedules.error_offset', { offset: error.offset }),
  ].filter((part) => part !== null)
  return place.length === 0 ? error.message : t('schedules.error_at', { message: error.message, place: place.join(', ') })
}

/** The next fire times the server computes for the spec being typed, or why it cannot; null while incomplete. */
export function SchedulePreview({ request }: { request: PreviewRequest | null }) {
  const settled = useDebounced(request, PREVIEW_DEBOUNCE_MS)
  const preview = useSchedulePreview(settled)

  if (settled === null) {
    return null
  }
  if (preview.isError) {
    return (
      <p className="banner banner-error" role="alert" data-testid="schedule-error">
        {problemText(preview.error)}
      </p>
    )
  }
  if (!preview.data) {
    return null
  }
  return (
    <div className="schedule-preview">
      <h4>{t('schedules.preview_title', { count: settled.count, timezone: settled.timezone })}</h4>
      <ol data-testid="schedule-preview">
        {preview.data.next.map((instant) => (
          <li key={instant}>{formatInZone(instant, settled.timezone)}</li>
        ))}
      </ol>
    </div>
  )
}
