import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import { MemoryRouter, Route, Routes, useNavigate } from 'react-router'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import { FAILED_ID } from '../../test/fixtures'
import { renderPage } from '../../test/render'
import { AuditPage } from './AuditPage'

const AUDIT = 'GET /api/background_tasks/admin/audit'
const ADMIN = { username: 'ada', roles: ['admin'], permissions: ['background_tasks.view', 'background_tasks.admin'] }

function entries() {
  return {
    body: {
      items: [
        { id: 2, at: '2026-01-01T10:00:00Z', username: 'otto', action: 'retry', target: FAILED_ID, detail: 'as x' },
        { id: 1, at: '2026-01-01T09:00:00Z', username: 'ada', action: 'login', target: null, detail: null },
      ],
      total: 2,
      page: 1,
      per_page: 50,
    },
  }
}

describe('AuditPage', () => {
  it('filters by who, action and target from the address and links an execution to its detail', async () => {
    const calls = mockFetch({ [AUDIT]: entries() })
    renderPage(<AuditPage />, { me: ADMIN, path: '/audit', at: '/audit?action=retry' })
    const rows = await screen.findAllByTestId('audit-row')
    expect(new URL(calls[0].url, 'http://x').searchParams.get('action')).toBe('retry')
    expect(within(rows[0]).getByRole('link').getAttribute('href')).toBe(`/${FAILED_ID}`)
    expect(within(rows[1]).queryByRole('link')).toBeNull()
    expect((screen.getByTestId('audit-filter-action') as HTMLInputElement).value).toBe('retry')

    fireEvent.change(screen.getByTestId('audit-filter-username'), { target: { value: 'otto' } })
    fireEvent.click(screen.getByTestId('audit-filter-apply'))
    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/audit?username=otto&action=retry'))
    await waitFor(() =>
      expect(Object.fromEntries(new URL(calls.at(-1)!.url, 'http://x').searchParams)).toEqual({
        username: 'otto',
        action: 'retry',
        page: '1',
        per_page: '50',
      }),
    )
  })
  it('keeps the page it was on when the reader follows a target and comes back', async () => {
    const many = () => ({ body: { ...entries().body, total: 120 } })
    const calls = mockFetch({ [AUDIT]: many() })
    function Back() {
      const navigate = useNavigate()
      return <button type="button" data-testid="back" onClick={() => void navigate(-1)} />
    }
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter initialEntries={['/audit']}>
          <Routes>
            <Route path="/audit" element={<AuditPage />} />
            <Route path="/:id" element={<Back />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    )
    await screen.findAllByTestId('audit-row')
    fireEvent.click(screen.getByTestId('page-next'))
    await waitFor(() => expect(screen.getByTestId('page-info').textContent).toContain('2'))
    await waitFor(() => expect(new URL(calls.at(-1)!.url, 'http://x').searchParams.get('page')).toBe('2'))
    fireEvent.click(within(screen.getAllByTestId('audit-row')[0]).getByRole('link')) // the execution it names
    fireEvent.click(await screen.findByTestId('back'))
    await screen.findAllByTestId('audit-row')
    expect(screen.getByTestId('page-info').textContent).toMatch(/^Page 2 /)
  })
})
