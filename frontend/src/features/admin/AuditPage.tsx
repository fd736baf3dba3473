import { useState } from 'react'
import type { FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router'
import type { AuditEntry } from '../../api/types'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { TextField } from '../../components/form/TextField'
import { Pagination } from '../../components/Pagination'
import { QueryState } from '../../components/QueryState'
import { Time } from '../../components/Time'
import { usePageTitle } from '../../components/usePageTitle'
import { MAX_PER_PAGE, positiveInteger } from '../executions/api'
import { formatDetail } from '../../format'
import { t } from '../../i18n'
import { AUDIT_FILTER_NAMES, auditFiltersFrom, auditSearch, targetLink } from './audit'
import type { AuditFilters } from './audit'
import { useAudit } from './queries'

const DEFAULT_PER_PAGE = 50

/** The target as a link to its page when the app has one (an execution's detail, the schedules, the users). */
function Target({ entry }: { entry: AuditEntry }) {
  const link = targetLink(entry)
  return link === null ? <>{entry.target}</> : <Link to={link}>{entry.target}</Link>
}

const AUDIT_COLUMNS: Column<AuditEntry>[] = [
  { header: t('audit.at'), cell: (entry) => <Time instant={entry.at} /> },
  { header: t('audit.username'), cell: (entry) => entry.username },
  { header: t('audit.action'), cell: (entry) => entry.action },
  { header: t('audit.target'), className: 'mono', testId: 'audit-target', cell: (entry) => <Target entry={entry} /> },
  { header: t('audit.detail'), className: 'small', cell: (entry) => formatDetail(entry.detail) },
]

/** Who, action and target, applied on submit; the form starts from the address. */
function AuditFilterForm({ filters, onApply }: { filters: AuditFilters; onApply: (filters: AuditFilters) => void }) {
  const [draft, setDraft] = useState(filters)
  function submit(event: FormEvent) {
    event.preventDefault()
    onApply(draft)
  }
  return (
    <form className="filters" role="search" aria-label={t('audit.search_label')} onSubmit={submit}>
      {AUDIT_FILTER_NAMES.map((name) => (
        <TextField
          key={name}
          label={t(`audit.filter_${name}`)}
          testId={`audit-filter-${name}`}
          value={draft[name]}
          onChange={(value) => setDraft({ ...draft, [name]: value })}
        />
      ))}
      <button type="submit" className="primary" data-testid="audit-filter-apply">
        {t('audit.apply')}
      </button>
      <button type="button" data-testid="audit-filter-clear" onClick={() => onApply({ username: '', action: '', target: '' })}>
        {t('audit.clear')}
      </button>
    </form>
  )
}

export function AuditPage() {
  const [searchParams, setSearchParams] = useSearchParams()
  const filters = auditFiltersFrom(searchParams)
  // In the address, as the executions list keeps them: a reader who follows a target and comes back is on the page
  // they left (kept in the component, Back landed on page 1).
  const page = positiveInteger(searchParams.get('page'), 1)
  const perPage = positiveInteger(searchParams.get('per_page'), DEFAULT_PER_PAGE, MAX_PER_PAGE)
  const audit = useAudit(filters, page, perPage)
  usePageTitle(t('audit.title'))
  const filtered = AUDIT_FILTER_NAMES.some((name) => filters[name] !== '')

  function show(next: AuditFilters, nextPage: number, nextPerPage: number) {
    const params = auditSearch(next)
    if (nextPage !== 1) {
      params.set('page', String(nextPage))
    }
    if (nextPerPage !== DEFAULT_PER_PAGE) {
      params.set('per_page', String(nextPerPage))
    }
    setSearchParams(params)
  }

  function apply(next: AuditFilters) {
    show(next, 1, perPage)
  }

  return (
    <section>
      <h1>{t('audit.title')}</h1>
      <AuditFilterForm key={auditSearch(filters).toString()} filters={filters} onApply={apply} />
      <QueryState
        query={audit}
        isEmpty={(data) => data.items.length === 0}
        emptyText={filtered ? t('audit.empty_filtered') : t('audit.empty')}
      >
        {(data) => (
          <DataTable
            testId="audit-table"
            columns={AUDIT_COLUMNS}
            rows={data.items}
            rowKey={(entry) => entry.id}
            rowTestId="audit-row"
            rowAttributes={(entry) => ({ 'data-action': entry.action })}
          />
        )}
      </QueryState>
      {audit.data && (
        <Pagination
          page={page}
          perPage={perPage}
          total={audit.data.total}
          onPageChange={(next) => show(filters, next, perPage)}
          onPerPageChange={(size) => show(filters, 1, size)}
        />
      )}
    </section>
  )
}
