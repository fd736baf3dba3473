import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockFetch } from '../../test/fetchMock'
import type { RecordedCall } from '../../test/fetchMock'
import { renderPage } from '../../test/render'
import { SettingsPage } from './SettingsPage'

const SETTINGS = '/api/background_tasks/admin/settings'
const ADA = { username: 'ada', roles: ['admin'], permissions: ['background_tasks.view', 'background_tasks.admin'] }
const VERA = { username: 'vera', roles: ['viewer'], permissions: ['background_tasks.view'] }

function setting(key: string, value: string, kind = 'days', applies = 'next_use') {
  return { key, value, kind, applies, requires_restart: applies === 'restart', updated_at: '2026-01-01T10:00:00Z' }
}

function routes(put: (call: RecordedCall) => { status?: number; body: unknown }) {
  return {
    [`GET ${SETTINGS}`]: {
      body: {
        items: [
          setting('retention_days', '14'),
          setting('task_default_queue', 'default', 'queue', 'within_seconds'),
          setting('task_always_eager', 'false', 'boolean', 'restart'),
        ],
      },
    },
    [`PUT ${SETTINGS}/retention_days`]: put,
    [`PUT ${SETTINGS}/task_always_eager`]: put,
  }
}

async function row(key: string) {
  const rows = await screen.findAllByTestId('setting-row')
  return rows.find((candidate) => candidate.dataset.key === key)!
}

describe('SettingsPage', () => {
  it('lists each setting with what it does and when a change takes effect', async () => {
    mockFetch(routes(() => ({ body: {} })))
    renderPage(<SettingsPage />, { me: ADA, path: '/settings', at: '/settings' })
    const retention = await row('retention_days')
    expect(retention.textContent).toContain('Days the history keeps ended executions.')
    expect(within(retention).getByTestId('setting-applies').textContent).toBe('at its next use')
    expect(within(await row('task_default_queue')).getByTestId('setting-applies').textContent).toBe(
      'within seconds, on every worker and dispatcher',
    )
    expect(within(await row('task_always_eager')).getByTestId('setting-applies').textContent).toBe('after a restart')
    expect(document.title).toBe('Settings · Chard')
  })

  it('offers true and false for a boolean, and saves nothing until the value changes', async () => {
    const calls = mockFetch(routes(() => ({ body: setting('task_always_eager', 'true', 'boolean', 'restart') })))
    renderPage(<SettingsPage />, { me: ADA, path: '/settings', at: '/settings' })
    const eager = await row('task_always_eager')
    const save = within(eager).getByTestId('setting-save-task_always_eager') as HTMLButtonElement
    expect(save.disabled).toBe(true)
    fireEvent.change(within(eager).getByTestId('setting-value-task_always_eager'), { target: { value: 'true' } })
    expect(save.disabled).toBe(false)
    fireEvent.click(save)
    await waitFor(() => expect(calls.filter((call) => call.method === 'PUT').map((call) => call.body)).toEqual([{ value: 'true' }]))
  })

  it('shows a viewer the values without a form', async () => {
    mockFetch(routes(() => ({ body: {} })))
    renderPage(<SettingsPage />, { me: VERA, path: '/settings', at: '/settings' })
    const queue = await row('task_default_queue')
    expect(within(queue).getByTestId('setting-text-task_default_queue').textContent).toBe('default')
    expect(queue.querySelector('form')).toBeNull()
    expect(screen.getByTestId('settings-read-only').textContent).toBe('Only administrators change settings.')
  })

  it('saves a new value, and shows a refusal next to the field', async () => {
    const calls = mockFetch(
      routes((call) =>
        (call.body as { value: string }).value === '0'
          ? { status: 422, body: { error: 'invalid_field', message: 'retention_days must be a whole number from 1 to 36500, got 0', field: 'value' } }
          : { body: setting('retention_days', '30') },
      ),
    )
    renderPage(<SettingsPage />, { me: ADA, path: '/settings', at: '/settings' })
    const retention = await row('retention_days')
    fireEvent.change(within(retention).getByTestId('setting-value-retention_days'), { target: { value: '0' } })
    fireEvent.click(within(retention).getByTestId('setting-save-retention_days'))
    expect((await screen.findByRole('alert')).textContent).toMatch(/from 1 to 36500/)

    fireEvent.change(within(retention).getByTestId('setting-value-retention_days'), { target: { value: ' 30 ' } })
    fireEvent.click(within(retention).getByTestId('setting-save-retention_days'))
    expect(await screen.findByText('Setting retention_days saved.')).toBeTruthy()
    await waitFor(() =>
      expect(calls.filter((call) => call.method === 'PUT').map((call) => call.body)).toEqual([{ value: '0' }, { value: '30' }]),
    )
  })
})
