import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { pickZone } from '../../app/zoneChoice'
import { mockFetch } from '../../test/fetchMock'
import { FAILED_ID, schedule } from '../../test/fixtures'
import { OPERATOR, VIEWER, renderPage } from '../../test/render'
import { scheduleSummary } from './scheduleSummary'
import { SchedulesPage } from './SchedulesPage'

const SCHEDULES = '/api/background_tasks/admin/schedules'
const LIST = `GET ${SCHEDULES}`
const PREVIEW = `POST ${SCHEDULES}/preview`

const SCHEDULE_LIST = [
  schedule({ id: '1', name: 'background-tasks-purge-old', source: 'builtin', timezone: 'UTC' }),
  schedule({ id: '2', name: 'billing-sync', source: 'code', enabled: false }),
  schedule({ id: '7' }),
]

function renderSchedules(me = OPERATOR, routes = {}) {
  const calls = mockFetch({ [LIST]: { body: { items: SCHEDULE_LIST } }, ...routes })
  renderPage(<SchedulesPage />, { me, path: '/schedules', at: '/schedules' })
  return calls
}

async function row(name: string): Promise<HTMLElement> {
  const rows = await screen.findAllByTestId('schedule-row')
  const found = rows.find((candidate) => candidate.dataset.name === name)
  expect(found).toBeTruthy()
  return found!
}

describe('scheduleSummary', () => {
  it.each([
    ['cron', schedule({ cron: '*/5 * * * *' }), 'Cron */5 * * * *'],
    ['interval', schedule({ kind: 'interval', cron: null, interval_seconds: 5_400 }), 'Every 1h 30m'],
    [
      'solar',
      schedule({ kind: 'solar', cron: null, solar_event: 'dusk_civil', latitude: 52.52, longitude: 13.405 }),
      'Civil dusk at 52.52, 13.405',
    ],
  ])('describes the %s kind', (_, described, text) => {
    expect(scheduleSummary(described)).toBe(text)
  })

  it('describes a one-off by its time in the zone of the schedule', () => {
    const oneOff = schedule({ kind: 'one_off', cron: null, run_at: '2026-07-01T16:30:00Z', timezone: 'America/New_York' })
    expect(scheduleSummary(oneOff)).toMatch(/^Once at .*12:30:00.*GMT-4$/)
  })
})

describe('SchedulesPage', () => {
  it('lists every schedule with its summary, zone, runs and source, its runs in the zone every page uses', async () => {
    pickZone('utc')
    renderSchedules(VIEWER)
    const nightly = await row('nightly-report')
    expect(within(nightly).getByTestId('schedule-summary').textContent).toBe('Cron 0 3 * * *')
    expect(nightly.textContent).toContain('America/New_York')
    const runs = [...nightly.querySelectorAll('time')].map((time) => [time.dateTime, time.title])
    expect(runs).toEqual([
      ['2026-03-08T07:00:00Z', '2026-03-08 07:00:00 UTC'],
      ['2026-03-07T08:00:00Z', '2026-03-07 08:00:00 UTC'],
    ])
    expect(nightly.textContent).toContain('12')
    expect(within(nightly).getByTestId('schedule-source').textContent).toBe('API')
    expect(within(await row('background-tasks-purge-old')).getByTestId('schedule-source').textContent).toBe('Built-in')
  })

  it('shows a viewer no control that changes anything', async () => {
    renderSchedules(VIEWER)
    const billing = await row('billing-sync')
    expect(billing.dataset.enabled).toBe('false')
    expect(billing.textContent).toContain('off')
    expect(screen.queryByTestId('schedule-create')).toBeNull()
    expect(screen.queryByText('Actions')).toBeNull()
    for (const control of ['schedule-enabled', 'schedule-run', 'schedule-edit', 'schedule-delete']) {
      expect(screen.queryAllByTestId(control)).toHaveLength(0)
    }
  })

  it('lets a manager toggle and run code and built-in schedules, but says why they cannot be edited', async () => {
    renderSchedules()
    for (const name of ['background-tasks-purge-old', 'billing-sync']) {
      const declared = await row(name)
      expect(within(declared).getByTestId('schedule-enabled')).toBeTruthy()
      expect(within(declared).getByTestId('schedule-run')).toBeTruthy()
      expect(within(declared).queryByTestId('schedule-edit')).toBeNull()
      expect(within(declared).queryByTestId('schedule-delete')).toBeNull()
    }
    expect(within(await row('billing-sync')).getByTestId('schedule-locked').textContent).toContain('Declared in code')
    expect(within(await row('background-tasks-purge-old')).getByTestId('schedule-locked').textContent).toContain(
      'cannot be edited or deleted',
    )
    expect(within(await row('nightly-report')).getByTestId('schedule-edit')).toBeTruthy()
  })

  it('runs a schedule now and links to the new execution', async () => {
    const calls = renderSchedules(OPERATOR, { [`POST ${SCHEDULES}/1/run`]: { status: 202, body: { id: FAILED_ID } } })
    fireEvent.click(within(await row('background-tasks-purge-old')).getByTestId('schedule-run'))
    const link = await screen.findByTestId('toast-link')
    expect(link.getAttribute('href')).toBe(`/${FAILED_ID}`)
    expect(screen.getByTestId('toast').textContent).toContain('background-tasks-purge-old is running now')
    expect(calls.some((call) => call.method === 'POST' && call.url === `${SCHEDULES}/1/run`)).toBe(true)
  })

  it('enables a disabled schedule with the toggle', async () => {
    const calls = renderSchedules(OPERATOR, {
      [`POST ${SCHEDULES}/2/enable`]: { body: schedule({ id: '2', name: 'billing-sync', enabled: true }) },
    })
    fireEvent.click(within(await row('billing-sync')).getByTestId('schedule-enabled'))
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toBe('Schedule billing-sync enabled.×'))
    expect(calls.filter((call) => call.method === 'POST').map((call) => call.url)).toEqual([`${SCHEDULES}/2/enable`])
  })

  it('deletes only after the confirmation', async () => {
    const calls = renderSchedules(OPERATOR, { [`DELETE ${SCHEDULES}/7`]: { status: 204 } })
    fireEvent.click(within(await row('nightly-report')).getByTestId('schedule-delete'))
    expect(screen.getByTestId('delete-schedule-dialog').textContent).toContain('Delete schedule nightly-report?')
    fireEvent.click(screen.getByTestId('delete-schedule-cancel'))
    expect(screen.queryByTestId('delete-schedule-dialog')).toBeNull()
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false)

    fireEvent.click(within(await row('nightly-report')).getByTestId('schedule-delete'))
    fireEvent.click(screen.getByTestId('delete-schedule-confirm'))
    await waitFor(() => expect(screen.getByTestId('toast').textContent).toContain('Schedule nightly-report deleted.'))
    expect(screen.queryByTestId('delete-schedule-dialog')).toBeNull()
    expect(calls.filter((call) => call.method === 'DELETE').map((call) => call.url)).toEqual([`${SCHEDULES}/7`])
  })

  it('opens the form for a new schedule, and for the current definition of an existing one', async () => {
    renderSchedules(OPERATOR, { [`GET ${SCHEDULES}/7`]: { body: schedule({ cron: '15 4 * * *' }) } })
    fireEvent.click(screen.getByTestId('schedule-create'))
    expect((screen.getByTestId('schedule-name') as HTMLInputElement).value).toBe('')
    fireEvent.click(within(await row('nightly-report')).getByTestId('schedule-edit'))
    await waitFor(() => expect((screen.getByTestId('schedule-cron') as HTMLInputElement).value).toBe('15 4 * * *'))
    fireEvent.click(screen.getByTestId('schedule-cancel'))
    expect(screen.queryByTestId('schedule-form')).toBeNull()
  })

  it('says so when there is no schedule', async () => {
    mockFetch({ [LIST]: { body: { items: [] } } })
    renderPage(<SchedulesPage />, { me: VIEWER })
    expect(await screen.findByTestId('schedules-empty')).toBeTruthy()
  })
  it('saves an edit without changing the arguments it did not touch, however large their numbers', async () => {
    // A Java long beyond 2^53 (a snowflake id), as the server stores and answers it.
    const stored = JSON.stringify(schedule({ args: [0] })).replace('"args":[0]', '"args":[9007199254740993]')
    const sent: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
        const route = `${init.method ?? 'GET'} ${String(input)}`
        if (route === `PUT ${SCHEDULES}/7`) {
          sent.push(String(init.body))
        }
        const text = route === LIST ? `{"items":[${stored}]}` : route === PREVIEW ? '{"next":[]}' : stored
        return new Response(text, { status: 200, headers: { 'Content-Type': 'application/json' } })
      }),
    )
    renderPage(<SchedulesPage />, { me: OPERATOR, path: '/schedules', at: '/schedules' })
    fireEvent.click(within(await row('nightly-report')).getByTestId('schedule-edit'))
    await waitFor(() => expect((screen.getByTestId('schedule-name') as HTMLInputElement).value).toBe('nightly-report'))
    fireEvent.change(screen.getByTestId('schedule-name'), { target: { value: 'nightly-report-v2' } })
    fireEvent.click(screen.getByTestId('schedule-save'))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toContain('"args":[9007199254740993]')
  })
})
