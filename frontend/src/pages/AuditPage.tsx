import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { fetchAudit } from '../api/administration'
import type { AuditEntry } from '../api/types'
import { ErrorMessage } from '../components/ErrorMessage'
import { Pagination } from '../components/Pagination'
import { formatDetail, formatInstant } from '../format'
import { t } from '../i18n'

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr data-testid="audit-row" data-action={entry.action}>
      <td>{formatInstant(entry.at)}</td>
      <td>{entry.username}</td>
      <td>{entry.action}</td>
      <td className="mono">{entry.target}</td>
      <td className="small">{formatDetail(entry.detail)}</td>
    </tr>
  )
}

export function AuditPage() {
  const [page, setPage] = useState(1)
  const [perPage, setPerPage] = useState<number>(50)
  const audit = useQuery({
    queryKey: ['audit', page, perPage],
    queryFn: () => fetchAudit(page, perPage),
    placeholderData: keepPreviousData,
  })

  return (
    <section>
      <h1>{t('audit.title')}</h1>
      {audit.isPending && <p>{t('app.loading')}</p>}
      {audit.isError && <ErrorMessage error={audit.error} />}
      {audit.data && (
        <>
          {audit.data.items.length === 0 ? (
            <p className="empty">{t('audit.empty')}</p>
          ) : (
            <table className="table" data-testid="audit-table">
              <thead>
                <tr>
                  <th>{t('audit.at')}</th>
                  <th>{t('audit.username')}</th>
                  <th>{t('audit.action')}</th>
                  <th>{t('audit.target')}</th>
                  <th>{t('audit.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {audit.data.items.map((entry) => (
                  <AuditRow key={entry.id} entry={entry} />
                ))}
              </tbody>
            </table>
          )}
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
        </>
      )}
    </section>
  )
}
