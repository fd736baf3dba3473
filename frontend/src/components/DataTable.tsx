import type { Key, ReactNode } from 'react'
import { t } from '../i18n'

export interface Column<T> {
  header: ReactNode
  cell: (row: T) => ReactNode
  /** Right-aligned, header and cells alike. */
  numeric?: boolean
  /** Extra classes of the cells, e.g. `mono`. */
  className?: string
  /** The cells' `data-testid`, for a value tests read on its own. */
  testId?: string
  /** The key the header sorts by, when the table is sortable and this column is. */
  sortKey?: string
}

/** The `data-*` attributes of a row, for tests and styles to find it by, e.g. `data-status`. */
type RowAttributes = Record<`data-${string}`, string | number | boolean>

/** The order on screen: a sort key, `-` first for descending, and what a click on a sortable header does. */
export interface TableSort {
  value: string
  onSort: (key: string) => void
}

interface DataTableProps<T> {
  testId: string
  columns: Column<T>[]
  rows: T[]
  rowKey: (row: T) => Key
  rowTestId: string
  rowAttributes?: (row: T) => RowAttributes
  sort?: TableSort
  /** On narrow screens each row becomes a card, its cells labelled by their headers. */
  cards?: boolean
}

function cellClass(column: Column<unknown>): string | undefined {
  const classes = [column.numeric ? 'number' : '', column.className ?? ''].filter((name) => name !== '')
  return classes.length === 0 ? undefined : classes.join(' ')
}

function ariaSort(sort: TableSort | undefined, key: string | undefined): 'ascending' | 'descending' | undefined {
  if (sort === undefined || key === undefined) {
    return undefined
  }
  if (sort.value === key) {
    return 'ascending'
  }
  return sort.value === `-${key}` ? 'descending' : undefined
}

function Header<T>({ column, sort }: { column: Column<T>; sort?: TableSort }) {
  const key = column.sortKey
  if (sort === undefined || key === undefined) {
    return <>{column.header}</>
  }
  const direction = ariaSort(sort, key)
  return (
    <button
      type="button"
      className="sort-button"
      data-testid={`sort-${key}`}
      title={t('table.sort_by', { column: String(column.header) })}
      onClick={() => sort.onSort(key)}
    >
      {column.header}
      <span aria-hidden="true">{direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ''}</span>
    </button>
  )
}

/** A `table` with a header row and a row per item, each cell drawn by its column; headers may sort. */
export function DataTable<T>({ testId, columns, rows, rowKey, rowTestId, rowAttributes, sort, cards }: DataTableProps<T>) {
  return (
    <table className={cards ? 'table cards' : 'table'} data-testid={testId}>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th
              key={index}
              className={column.numeric ? 'number' : undefined}
              aria-sort={ariaSort(sort, column.sortKey)}
              scope="col"
            >
              <Header column={column} sort={sort} />
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} data-testid={rowTestId} {...rowAttributes?.(row)}>
            {columns.map((column, index) => (
              <td
                key={index}
                className={cellClass(column as Column<unknown>)}
                data-testid={column.testId}
                data-label={typeof column.header === 'string' ? column.header : undefined}
              >
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
