import type { TimelineEvent } from '../../api/types'
import { Time } from '../../components/Time'
import { splitInstants } from '../../displayTime'
import { formatDetail } from '../../format'
import { label } from '../../i18n'

/** An entry's text with the instants it quotes (a retry's due time) shown in the chosen zone. */
function Detail({ text }: { text: string }) {
  return (
    <span className="muted">
      {splitInstants(text).map((part, index) =>
        'instant' in part ? <Time key={index} instant={part.instant} show="exact" /> : part.text,
      )}
    </span>
  )
}

export function ExecutionTimeline({ events }: { events: TimelineEvent[] }) {
  return (
    <ol className="timeline" data-testid="detail-timeline">
      {events.map((event, index) => (
        <li key={index} data-testid="timeline-event" data-event={event.event} className={`timeline-${event.event}`}>
          <Time instant={event.at} />
          <strong>{label('timeline', event.event)}</strong>
          {event.detail !== null && <Detail text={formatDetail(event.detail)} />}
        </li>
      ))}
    </ol>
  )
}
