import { describe, expect, it } from 'vitest'
import { DEFAULT_FILTERS, executionsQuery, filtersFromSearch, isExecutionId, searchFromFilters } from './api'

describe('executionsQuery', () => {
  it('always sends the page and its size', () => {
    expect(executionsQuery(DEFAULT_FILTERS)).toBe('page=1&per_page=50')
  })

  it('sends the filters that are set, in the contract names, and leaves out empty ones', () => {
    const query = executionsQuery({ ...DEFAULT_FILTERS, status: 'failed', task_name: 'examples.fail', q: ' 0b7f ', page: 3 })
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      status: 'failed',
      task_name: 'examples.fail',
      q: '0b7f',
      page: '3',
      per_page: '50',
    })
  })

  it('sends the time range as the instants the filters hold', () => {
    const range = { since: '2026-01-31T08:00:00.000Z', until: '2026-02-01T08:00:00.000Z' }
    expect(executionsQuery({ ...DEFAULT_FILTERS, ...range })).toBe(
      'since=2026-01-31T08%3A00%3A00.000Z&until=2026-02-01T08%3A00%3A00.000Z&page=1&per_page=50',
    )
  })

  it('encodes characters that mean something in a query string', () => {
    expect(executionsQuery({ ...DEFAULT_FILTERS, q: 'a&b=c' })).toContain('q=a%26b%3Dc')
  })
})

describe('searchFromFilters', () => {
  it('keeps the address short by leaving out defaults', () => {
    expect(searchFromFilters(DEFAULT_FILTERS).toString()).toBe('')
    expect(searchFromFilters({ ...DEFAULT_FILTERS, queue: 'mail', per_page: 100 }).toString()).toBe(
      'queue=mail&per_page=100',
    )
  })
})

describe('filtersFromSearch', () => {
  it('reads back what searchFromFilters wrote', () => {
    const filters = {
      ...DEFAULT_FILTERS,
      status: 'stuck' as const,
      task_name: 't',
      queue: 'q',
      q: 'x',
      since: '2026-01-31T08:00:00.000Z',
      until: '2026-02-01T08:00:00.000Z',
      page: 2,
      per_page: 20,
    }
    expect(filtersFromSearch(searchFromFilters(filters))).toEqual(filters)
  })

  it('falls back to defaults for values the API would refuse', () => {
    const filters = filtersFromSearch(
      new URLSearchParams('status=exploded&page=0&per_page=abc&since=yesterday&until=2026-01-31T09:00'),
    )
    expect(filters).toEqual(DEFAULT_FILTERS)
  })

  it('reads an instant with an offset as the same instant in UTC', () => {
    const address = new URLSearchParams({ since: '2026-01-31T09:00+01:00', until: '2026-02-01T00:00:00Z' })
    const filters = filtersFromSearch(address)
    expect(filters.since).toBe('2026-01-31T08:00:00.000Z')
    expect(filters.until).toBe('2026-02-01T00:00:00.000Z')
  })

  it('caps the page size at the contract maximum of 200', () => {
    expect(filtersFromSearch(new URLSearchParams('per_page=5000')).per_page).toBe(200)
  })
})

describe('isExecutionId', () => {
  it('accepts UUIDs only', () => {
    expect(isExecutionId('0b7f5c2e-4a1d-4c55-9a0e-2f1d7c3b9e01')).toBe(true)
    expect(isExecutionId('workers')).toBe(false)
  })
})
