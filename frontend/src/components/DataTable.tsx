import type { Key, ReactNode } from 'react'

export interface Column<T> {
  header: ReactNode
  cell: (row: T) => ReactNode
  /** Right-aligned, header and cells alike. */
  numeric?: boolean
  /** Extra classes of the cells, e.g. `mono`. */
  className?: string
  /** The cells' `data-testid`, for a value tests read on its own. */
  testId?: string
}

/** The `data-*` attributes of a row, for tests and styles to find it by, e.g. `data-status`. */
type RowAttributes = Record<`data-${string}`, string | number | boolean>

interface DataTableProps<T> {
  testId: string
  columns: Column<T>[]
  rows: T[]
  rowKey: (row: T) => Key
  rowTestId: string
  rowAttributes?: (row: T) => RowAttributes
}

function cellClass(column: Column<unknown>): string | undefined {
  const classes = [column.numeric ? 'number' : '', column.className ?? ''].filter((name) => name !== '')
  return classes.length === 0 ? undefined : classes.join(' ')
}

/** A `table` with a header row and a row per item, each cell drawn by its column. */
export function DataTable<T>({ testId, columns, rows, rowKey, rowTestId, rowAttributes }: DataTableProps<T>) {
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={index} className={column.numeric ? 'number' : undefined}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} data-testid={rowTestId} {...rowAttributes?.(row)}>
            {columns.map((column, index) => (
              <td key={index} className={cellClass(column as Column<unknown>)} data-testid={column.testId}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
