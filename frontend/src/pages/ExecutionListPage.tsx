import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useSearchParams } from 'react-router'
import {
  DEFAULT_FILTERS,
  fetchExecutions,
  filtersFromSearch,
  searchFromFilters,
} from '../api/executions'
import type { ExecutionFilters as Filters } from '../api/executions'
import { LIVE_REFRESH_MS } from '../api/live'
import { ErrorMessage } from '../components/ErrorMessage'
import { Pagination } from '../components/Pagination'
import { useNow } from '../components/useNow'
import { t } from '../i18n'
import { ExecutionFilters } from './ExecutionFilters'
import { ExecutionTable } from './ExecutionTable'

/** The filters live in the address, so a filtered list can be bookmarked and shared. */
export function ExecutionListPage() {
  const [searchParams, setSearchParams] = useSearchParams()
  const filters = filtersFromSearch(searchParams)
  const now = useNow()
  const executions = useQuery({
    queryKey: ['executions', filters],
    queryFn: () => fetchExecutions(filters),
    refetchInterval: LIVE_REFRESH_MS,
    placeholderData: keepPreviousData,
  })

  function apply(change: Partial<Filters>) {
    setSearchParams(searchFromFilters({ ...filters, page: 1, ...change }))
  }

  return (
    <section>
      <header className="page-header">
        <h1>{t('index.title')}</h1>
        <span className="muted small">{t('app.live')}</span>
      </header>
      <ExecutionFilters
        key={[filters.task_name, filters.queue, filters.q, filters.since, filters.until].join('\n')}
        filters={filters}
        onApply={apply}
        onClear={() => setSearchParams(searchFromFilters({ ...DEFAULT_FILTERS, per_page: filters.per_page }))}
      />
      {executions.isError && <ErrorMessage error={executions.error} />}
      {executions.isPending && <p>{t('app.loading')}</p>}
      {executions.data && (
        <>
          {executions.data.items.length === 0 ? (
            <p className="empty" data-testid="executions-empty">
              {t('index.empty')}
            </p>
          ) : (
            <ExecutionTable executions={executions.data.items} now={now} />
          )}
          <Pagination
            page={filters.page}
            perPage={filters.per_page}
            total={executions.data.total}
            onPageChange={(page) => apply({ page })}
            onPerPageChange={(perPage) => apply({ per_page: perPage })}
          />
        </>
      )}
    </section>
  )
}
