import { t } from '../i18n'
import { pageCount } from './pageCount'

const PAGE_SIZES = [20, 50, 100, 200] as const

interface PaginationProps {
  page: number
  perPage: number
  total: number
  onPageChange: (page: number) => void
  onPerPageChange: (perPage: number) => void
}

export function Pagination({ page, perPage, total, onPageChange, onPerPageChange }: PaginationProps) {
  const pages = pageCount(total, perPage)
  return (
    <nav className="pagination" data-testid="pagination">
      <button type="button" data-testid="page-previous" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
        {t('pagination.previous')}
      </button>
      <span data-testid="page-info">{t('pagination.page_of', { page, pages })}</span>
      <button type="button" data-testid="page-next" disabled={page >= pages} onClick={() => onPageChange(page + 1)}>
        {t('pagination.next')}
      </button>
      <span className="muted">{t('pagination.total', { total })}</span>
      <label>
        {t('pagination.per_page')}{' '}
        <select
          data-testid="per-page"
          value={perPage}
          onChange={(event) => onPerPageChange(Number(event.target.value))}
        >
          {PAGE_SIZES.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      </label>
    </nav>
  )
}
