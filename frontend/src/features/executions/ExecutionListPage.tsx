import { useState } from 'react'
import { Link, useLocation, useSearchParams } from 'react-router'
import { useTimeZone } from '../../app/zoneChoice'
import { MAX_PAGE, Pagination } from '../../components/Pagination'
import { LivePageHeader } from '../../components/LivePageHeader'
import { QueryState } from '../../components/QueryState'
import { useNow } from '../../components/useNow'
import { t } from '../../i18n'
import { PERMISSIONS } from '../session/api'
import { useCan } from '../session/queries'
import { DEFAULT_FILTERS, filtersFromSearch, listTitle, nextSort, searchFromFilters } from './api'
import type { ExecutionFilters as Filters } from './api'
import { BulkActions } from './BulkActions'
import { ExecutionFilters } from './ExecutionFilters'
import { ExecutionTable } from './ExecutionTable'
import { ListTabs } from './ListTabs'
import { useExecutions } from './queries'
import { WaitingActions } from './WaitingActions'

/** The ticked rows of one search; a new search starts with none. */
function useSelection(search: string) {
  const [selection, setSelection] = useState<{ search: string; ids: ReadonlySet<string> }>({ search, ids: new Set() })
  const ids = selection.search === search ? selection.ids : new Set<string>()
  function change(changed: string[], checked: boolean) {
    const next = new Set(ids)
    changed.forEach((id) => (checked ? next.add(id) : next.delete(id)))
    setSelection({ search, ids: next })
  }
  return { selected: ids, onChange: change, clear: () => setSelection({ search, ids: new Set() }) }
}

/**
 * Where Previous goes on a walk by cursor: the cursors that opened the pages before this one, kept in the history
 * entry (so Back, Forward and a reload keep them). A page reached otherwise (a shared address) has none, and
 * Previous asks for the page before by number.
 */
interface Walk {
  before: string[]
}

function walkOf(state: unknown): string[] {
  const before = (state as Partial<Walk> | null)?.before
  return Array.isArray(before) ? before : []
}

/** The filters live in the address, so a filtered list can be bookmarked and shared. */
export function ExecutionListPage() {
  const [searchParams, setSearchParams] = useSearchParams()
  const location = useLocation()
  const filters = filtersFromSearch(searchParams)
  const now = useNow()
  const zone = useTimeZone()
  const executions = useExecutions(filters)
  const canManage = useCan(PERMISSIONS.manage)
  const selection = useSelection(searchFromFilters({ ...filters, page: 1, cursor: '' }).toString())
  const dead = filters.list === 'dead' && canManage
  const waiting = (filters.list === 'retrying' || filters.list === 'scheduled') && canManage

  function apply(change: Partial<Filters>) {
    setSearchParams(searchFromFilters({ ...filters, page: 1, cursor: '', ...change }))
  }

  /**
   * Next continues after the page's last row when the server gave a cursor (the default order), so executions
   * dispatched meanwhile, or leaving a list that shrinks, neither repeat nor skip rows; other orders page by number.
   */
  function turnPage(page: number) {
    const before = walkOf(location.state)
    const nextCursor = executions.data?.next_cursor
    if (page === filters.page + 1 && nextCursor) {
      const walk: Walk = { before: [...before, filters.cursor] }
      setSearchParams(searchFromFilters({ ...filters, page, cursor: nextCursor }), { state: walk })
    } else if (page === filters.page - 1 && before.length > 0) {
      const walk: Walk = { before: before.slice(0, -1) }
      setSearchParams(searchFromFilters({ ...filters, page, cursor: before[before.length - 1] }), { state: walk })
    } else {
      apply({ page: page > MAX_PAGE ? 1 : page })
    }
  }

  // While the next page loads the last one stays on screen, with its cursor: Next waits for the page it continues.
  const walksByCursor = filters.sort === DEFAULT_FILTERS.sort && executions.data?.next_cursor !== undefined
  return (
    <section>
      <LivePageHeader title={listTitle(filters.list)} />
      <ListTabs filters={filters} />
      {filters.list !== '' && (
        <p className="muted" data-testid="list-hint">
          {t(`lists.hint_${filters.list}`)}
        </p>
      )}
      {filters.workflow !== '' && (
        <p className="filter-chip" data-testid="filter-workflow">
          {t('filters.workflow')}{' '}
          <Link to={`/workflows/${filters.workflow}`}>
            <code>{filters.workflow}</code>
          </Link>{' '}
          <button
            type="button"
            className="link"
            aria-label={t('filters.remove_workflow')}
            title={t('filters.remove_workflow')}
            data-testid="filter-workflow-remove"
            onClick={() => apply({ workflow: '' })}
          >
            ×
          </button>
        </p>
      )}
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
          zone,
        ].join('\n')}
        filters={filters}
        onApply={apply}
        onClear={() =>
          setSearchParams(
            searchFromFilters({ ...DEFAULT_FILTERS, list: filters.list, per_page: filters.per_page, sort: filters.sort }),
          )
        }
      />
      {dead && <BulkActions filters={filters} selected={[...selection.selected]} onDone={selection.clear} />}
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
            selection={dead ? selection : undefined}
            rowActions={waiting ? (execution) => <WaitingActions execution={execution} /> : undefined}
            showDue={filters.list === 'retrying' || filters.list === 'scheduled'}
          />
        )}
      </QueryState>
      {executions.data && (
        <Pagination
          page={filters.page}
          perPage={filters.per_page}
          total={executions.data.total}
          estimated={executions.data.total_estimated === true}
          hasNext={walksByCursor ? !executions.isPlaceholderData && executions.data.next_cursor !== null : undefined}
          onPageChange={turnPage}
          onPerPageChange={(perPage) => apply({ per_page: perPage })}
        />
      )}
    </section>
  )
}
