import { Link } from 'react-router'
import type { ExecutionDetail } from '../../api/types'
import { shortId } from '../../format'
import { t } from '../../i18n'

function ExecutionLink({ id, testId }: { id: string; testId: string }) {
  return (
    <Link to={`/${id}`} className="mono" title={id} data-testid={testId}>
      {shortId(id)}
    </Link>
  )
}

/** Where this execution came from (an operator's retry) and the retries made of it. */
export function RetryChain({ execution }: { execution: ExecutionDetail }) {
  const retriedBy = execution.retried_by ?? []
  if (execution.retried_from_id === null && retriedBy.length === 0) {
    return <p className="muted">{t('detail.no_retries')}</p>
  }
  return (
    <dl className="fields" data-testid="detail-retry-chain">
      {execution.retried_from_id !== null && (
        <>
          <dt>{t('detail.retried_from')}</dt>
          <dd>
            <ExecutionLink id={execution.retried_from_id} testId="retried-from-link" />
          </dd>
        </>
      )}
      {retriedBy.length > 0 && (
        <>
          <dt>{t('detail.retried_by')}</dt>
          <dd className="link-list">
            {retriedBy.map((id) => (
              <ExecutionLink key={id} id={id} testId="retried-by-link" />
            ))}
          </dd>
        </>
      )}
    </dl>
  )
}
