import { fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { Pagination } from './Pagination'
import { pageCount } from './pageCount'

function renderPagination(page: number, total: number, perPage = 50, estimated = false) {
  const onPageChange = vi.fn()
  const onPerPageChange = vi.fn()
  render(
    <Pagination
      page={page}
      perPage={perPage}
      total={total}
      estimated={estimated}
      onPageChange={onPageChange}
      onPerPageChange={onPerPageChange}
    />,
  )
  return { onPageChange, onPerPageChange }
}

describe('pageCount', () => {
  it('rounds up and never says zero pages', () => {
    expect(pageCount(0, 50)).toBe(1)
    expect(pageCount(50, 50)).toBe(1)
    expect(pageCount(51, 50)).toBe(2)
    expect(pageCount(1000, 200)).toBe(5)
  })
})

describe('Pagination', () => {
  it('shows where the user is and cannot go before the first page', () => {
    renderPagination(1, 120)
    expect(screen.getByTestId('page-info').textContent).toBe('Page 1 of 3')
    expect((screen.getByTestId('page-previous') as HTMLButtonElement).disabled).toBe(true)
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(false)
  })

  it('cannot go past the last page', () => {
    renderPagination(3, 120)
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(true)
  })

  it('asks for the neighbouring pages', () => {
    const { onPageChange } = renderPagination(2, 120)
    fireEvent.click(screen.getByTestId('page-next'))
    fireEvent.click(screen.getByTestId('page-previous'))
    expect(onPageChange.mock.calls).toEqual([[3], [1]])
  })

  it('asks for another page size', () => {
    const { onPerPageChange } = renderPagination(1, 120)
    fireEvent.change(screen.getByTestId('per-page'), { target: { value: '200' } })
    expect(onPerPageChange).toHaveBeenCalledWith(200)
  })

  it('stops at the deepest page the server serves and says to narrow the search, not to fail on the next', () => {
    renderPagination(1000, 60_000)
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(true)
    expect(screen.getByTestId('page-limit').textContent).toMatch(/narrow the search/)
  })

  it('says "about" for a total the server only estimated', () => {
    renderPagination(1, 2_345_678, 50, true)
    expect(screen.getByTestId('pagination').textContent).toContain('about 2345678 in total')
    expect(screen.getByTestId('page-info').textContent).toBe('Page 1 of about 46914')
  })

  it('on a walk by cursor never shows a page past the last one counted', () => {
    render(
      <Pagination page={4} perPage={50} total={120} hasNext onPageChange={vi.fn()} onPerPageChange={vi.fn()} />,
    )
    expect(screen.getByTestId('page-info').textContent).toBe('Page 4 of 4')
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(false)
  })
})
