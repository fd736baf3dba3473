import { useState } from 'react'
import type { AuditEntry } from '../../api/types'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { Pagination } from '../../components/Pagination'
import { QueryState } from '../../components/QueryState'
import { formatDetail } from '../../format'
import { Time } from '../../components/Time'
import { usePageTitle } from '../../components/usePageTitle'
import { t } from '../../i18n'
import { useAudit } from './queries'

const AUDIT_COLUMNS: Column<AuditEntry>[] = [
  { header: t('audit.at'), cell: (entry) => <Time instant={entry.at} /> },
  { header: t('audit.username'), cell: (entry) => entry.username },
  { header: t('audit.action'), cell: (entry) => entry.action },
  { header: t('audit.target'), className: 'mono', cell: (entry) => entry.target },
  { header: t('audit.detail'), className: 'small', cell: (entry) => formatDetail(entry.detail) },
]

export function AuditPage() {
  const [page, setPage] = useState(1)
  const [perPage, setPerPage] = useState<number>(50)
  const audit = useAudit(page, perPage)
  usePageTitle(t('audit.title'))

  return (
    <section>
      <h1>{t('audit.title')}</h1>
      <QueryState query={audit} isEmpty={(data) => data.items.length === 0} emptyText={t('audit.empty')}>
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
