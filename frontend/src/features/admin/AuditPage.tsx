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
import { formatDetail } from '../../format'
import { t } from '../../i18n'
import { AUDIT_FILTER_NAMES, auditFiltersFrom, auditSearch, targetLink } from './audit'
import type { AuditFilters } from './audit'
import { useAudit } from './queries'

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
  const [page, setPage] = useState(1)
  const [perPage, setPerPage] = useState<number>(50)
  const audit = useAudit(filters, page, perPage)
  usePageTitle(t('audit.title'))
  const filtered = AUDIT_FILTER_NAMES.some((name) => filters[name] !== '')

  function apply(next: AuditFilters) {
    setPage(1)
    setSearchParams(auditSearch(next))
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
          onPageChange={setPage}
          onPerPageChange={(size) => {
            setPerPage(size)
            setPage(1)
          }}
        />
      )}
    </section>
  )
}
