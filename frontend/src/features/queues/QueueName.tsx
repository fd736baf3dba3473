import { t } from '../../i18n'

/** A queue's name, with a badge while it is paused, on every table that lists queues. */
export function QueueName({ queue }: { queue: { name: string; paused: boolean } }) {
  return (
    <>
      {queue.name}
      {queue.paused && (
        <>
          {' '}
          <span className="badge queue-paused" data-testid="queue-paused">{t('queues.paused')}</span>
        </>
      )}
    </>
  )
}
