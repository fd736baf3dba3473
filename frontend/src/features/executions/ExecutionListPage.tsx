import { useSearchParams } from 'react-router'
import { Pagination } from '../../components/Pagination'
import { LivePageHeader } from '../../components/LivePageHeader'
import { QueryState } from '../../components/QueryState'
import { useNow } from '../../components/useNow'
import { t } from '../../i18n'
import { DEFAULT_FILTERS, filtersFromSearch, nextSort, searchFromFilters } from './api'
import type { ExecutionFilters as Filters } from './api'
import { ExecutionFilters } from './ExecutionFilters'
import { ExecutionTable } from './ExecutionTable'
import { useExecutions } from './queries'

/** The filters live in the address, so a filtered list can be bookmarked and shared. */
export function ExecutionListPage() {
  const [searchParams, setSearchParams] = useSearchParams()
  const filters = filtersFromSearch(searchParams)
  const now = useNow()
  const executions = useExecutions(filters)

  function apply(change: Partial<Filters>) {
    setSearchParams(searchFromFilters({ ...filters, page: 1, ...change }))
  }

  return (
    <section>
      <LivePageHeader title={t('index.title')} />
      <ExecutionFilters
        key={[
          filters.task_name,
          filters.queue,
          filters.q,
          filters.since,
          filters.until,
          filters.args,
          filters.kwargs,
          filters.result,
          filters.error,
          filters.worker,
          filters.exception_type,
        ].join('\n')}
        filters={filters}
        onApply={apply}
        onClear={() =>
          setSearchParams(searchFromFilters({ ...DEFAULT_FILTERS, per_page: filters.per_page, sort: filters.sort }))
        }
      />
      <QueryState
        query={executions}
        isEmpty={(page) => page.items.length === 0}
        emptyText={t('index.empty')}
        emptyTestId="executions-empty"
      >
        {(page) => (
          <ExecutionTable
            executions={page.items}
            now={now}
            sort={filters.sort}
            onSort={(key) => apply({ sort: nextSort(filters.sort, key) })}
          />
        )}
      </QueryState>
      {executions.data && (
        <Pagination
          page={filters.page}
          perPage={filters.per_page}
          total={executions.data.total}
          onPageChange={(page) => apply({ page })}
          onPerPageChange={(perPage) => apply({ per_page: perPage })}
        />
      )}
    </section>
  )
}
