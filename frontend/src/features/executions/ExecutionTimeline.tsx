import type { TimelineEvent } from '../../api/types'
import { formatDetail, formatInstant } from '../../format'
import { label } from '../../i18n'

export function ExecutionTimeline({ events }: { events: TimelineEvent[] }) {
  return (
    <ol className="timeline" data-testid="detail-timeline">
      {events.map((event, index) => (
        <li key={index} data-testid="timeline-event" data-event={event.event} className={`timeline-${event.event}`}>
          <time dateTime={event.at}>{formatInstant(event.at)}</time>
          <strong>{label('timeline', event.event)}</strong>
          {event.detail !== null && <span className="muted">{formatDetail(event.detail)}</span>}
        </li>
      ))}
    </ol>
  )
}
