import { Link } from 'react-router'
import { t } from '../../i18n'
import { EXECUTION_LISTS, searchFromFilters } from './api'
import type { ExecutionFilters } from './api'

/**
 * All, Retrying, Scheduled, Dead: the same search over another list. A list fixes the status, so switching drops
 * the status filter and goes back to the first page.
 */
export function ListTabs({ filters }: { filters: ExecutionFilters }) {
  return (
    <nav className="list-tabs" aria-label={t('lists.label')} data-testid="list-tabs">
      {EXECUTION_LISTS.map((list) => (
        <Link
          key={list || 'all'}
          to={`?${searchFromFilters({ ...filters, list, status: '', page: 1, cursor: '' }).toString()}`}
          aria-current={filters.list === list ? 'page' : undefined}
          data-testid={`list-${list || 'all'}`}
        >
          {list === '' ? t('lists.all') : t(`lists.${list}`)}
        </Link>
      ))}
    </nav>
  )
}
