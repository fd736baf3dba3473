import { t } from '../i18n'
import { pageCount } from './pageCount'

const PAGE_SIZES = [20, 50, 100, 200] as const

/** The deepest page the server serves by number (deeper, a narrower search). */
export const MAX_PAGE = 1000

interface PaginationProps {
  page: number
  perPage: number
  total: number
  /** The server counted only up to a cap: `total` is the planner's estimate. */
  estimated?: boolean
  /**
   * Given when the list walks by cursor: whether a page follows. The count then bounds nothing (rows come and go
   * while the reader walks) and the walk goes deeper than the pages served by number.
   */
  hasNext?: boolean
  onPageChange: (page: number) => void
  onPerPageChange: (perPage: number) => void
}

export function Pagination({
  page,
  perPage,
  total,
  estimated = false,
  hasNext,
  onPageChange,
  onPerPageChange,
}: PaginationProps) {
  const byNumber = hasNext === undefined
  // A walk by cursor can pass the count taken on its first page (rows arrived meanwhile): never "page 4 of 3".
  const pages = byNumber ? pageCount(total, perPage) : Math.max(pageCount(total, perPage), page)
  const nextDisabled = byNumber ? page >= Math.min(pages, MAX_PAGE) : !hasNext
  return (
    <nav className="pagination" data-testid="pagination">
      <button type="button" data-testid="page-previous" disabled={page <= 1} onClick={() => onPageChange(page - 1)}>
        {t('pagination.previous')}
      </button>
      <span data-testid="page-info">{t(estimated ? 'pagination.page_of_about' : 'pagination.page_of', { page, pages })}</span>
      <button type="button" data-testid="page-next" disabled={nextDisabled} onClick={() => onPageChange(page + 1)}>
        {t('pagination.next')}
      </button>
      <span className="muted">{t(estimated ? 'pagination.total_about' : 'pagination.total', { total })}</span>
      {byNumber && page >= MAX_PAGE && pages > MAX_PAGE && (
        <span className="muted" data-testid="page-limit">
          {t('pagination.narrow', { pages: MAX_PAGE })}
        </span>
      )}
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
