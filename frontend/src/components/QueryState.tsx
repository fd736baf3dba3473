import type { UseQueryResult } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { t } from '../i18n'
import { ErrorMessage } from './ErrorMessage'

interface QueryStateProps<T> {
  query: UseQueryResult<T>
  /** What shows before the first answer; the loading line unless the page would rather show nothing. */
  pending?: ReactNode
  /** What shows for a failure; the error banner unless the page knows better (a 404 that means "not found"). */
  renderError?: (error: Error) => ReactNode
  /** Data that has nothing to show gets `emptyText` instead of `children`. */
  isEmpty?: (data: T) => boolean
  emptyText?: string
  emptyTestId?: string
  children: (data: T) => ReactNode
}

/**
 * A query's loading, error and empty states around what its data renders. A failed refetch shows the error above
 * the data the query still holds, so a live page keeps its last answer through a short outage.
 */
export function QueryState<T>({
  query,
  pending = <p>{t('app.loading')}</p>,
  renderError = (error) => <ErrorMessage error={error} />,
  isEmpty = () => false,
  emptyText,
  emptyTestId,
  children,
}: QueryStateProps<T>) {
  return (
    <>
      {query.isPending && pending}
      {query.isError && renderError(query.error)}
      {query.data !== undefined &&
        (isEmpty(query.data) ? (
          <p className="empty" data-testid={emptyTestId}>
            {emptyText}
          </p>
        ) : (
          children(query.data)
        ))}
    </>
  )
}
