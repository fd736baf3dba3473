import { fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import type { Schedule } from '../../api/types'
import { mockFetch } from '../../test/fetchMock'
import type { RecordedCall } from '../../test/fetchMock'
import { schedule } from '../../test/fixtures'
import { OPERATOR, renderPage } from '../../test/render'
import { ScheduleForm } from './ScheduleForm'

const SCHEDULES = '/api/background_tasks/admin/schedules'
const PREVIEW = `POST ${SCHEDULES}/preview`

const NEXT_IN_NEW_YORK = [
  '2026-03-07T03:00:00-05:00',
  '2026-03-08T03:00-04:00',
  '2026-03-09T03:00:00-04:00',
  '2026-03-10T03:00:00-04:00',
  '2026-03-11T03:00:00-04:00',
]

function renderForm(existing: Schedule | null = null) {
  const onDone = vi.fn()
  renderPage(<ScheduleForm schedule={existing} onDone={onDone} />, { me: OPERATOR })
  return onDone
}

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } })
}

function callsTo(calls: RecordedCall[], route: string): RecordedCall[] {
  return calls.filter((call) => `${call.method} ${call.url}` === route)
}

describe('the schedule preview', () => {
  it('waits until the expression stops changing, then shows the next 5 runs in the zone with its offset', async () => {
    const calls = mockFetch({ [PREVIEW]: { body: { next: NEXT_IN_NEW_YORK } } })
    renderForm()
    type('schedule-timezone', 'America/New_York')
    type('schedule-cron', '0')
    type('schedule-cron', '0 3')
    type('schedule-cron', '0 3 * * *')
    expect(callsTo(calls, PREVIEW)).toHaveLength(0)

    const items = await waitFor(() => {
      const list = screen.getByTestId('schedule-preview').querySelectorAll('li')
      expect(list).toHaveLength(5)
      return list
    })
    expect(callsTo(calls, PREVIEW).map((call) => call.body)).toEqual([
      { kind: 'cron', cron: '0 3 * * *', timezone: 'America/New_York', count: 5 },
    ])
    expect(items[0].textContent).toMatch(/3:00:00.*GMT-5$/)
    expect(items[1].textContent).toMatch(/3:00:00.*GMT-4$/)
  })

  it('shows the server refusal with the field and character it points at', async () => {
    mockFetch({
      [PREVIEW]: {
        status: 422,
        body: { error: 'invalid_schedule', message: '61 is not a valid minute', field: 1, offset: 0 },
      },
    })
    renderForm()
    type('schedule-cron', '61 * * * *')
    const error = await screen.findByTestId('schedule-error', {}, { timeout: 5_000 })
    expect(error.textContent).toBe('61 is not a valid minute (field 1, character 0)')
    expect(screen.queryByTestId('schedule-preview')).toBeNull()
  })

  it('asks nothing while the fields of the kind are empty', async () => {
    const calls = mockFetch({})
    renderForm()
    type('schedule-kind', 'solar')
    type('schedule-latitude', '52.52')
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(calls).toHaveLength(0)
  })

  it.each([
    ['interval', { 'schedule-interval': '900' }, { kind: 'interval', interval_seconds: 900 }],
    [
      'solar',
      { 'schedule-solar-event': 'sunset', 'schedule-latitude': '52.52', 'schedule-longitude': '13.405' },
      { kind: 'solar', solar_event: 'sunset', latitude: 52.52, longitude: 13.405 },
    ],
    ['one_off', { 'schedule-run-at': '2026-07-01T12:30' }, { kind: 'one_off', run_at: '2026-07-01T16:30:00.000Z' }],
  ])('previews the %s kind with its own fields, a one-off time read in the zone', async (kind, fields, spec) => {
    const calls = mockFetch({ [PREVIEW]: { body: { next: [] } } })
    renderForm()
    type('schedule-timezone', 'America/New_York')
    type('schedule-kind', kind)
    for (const [testId, value] of Object.entries(fields)) {
      type(testId, value)
    }
    await waitFor(() => expect(callsTo(calls, PREVIEW)).toHaveLength(1))
    expect(calls[0].body).toEqual({ ...spec, timezone: 'America/New_York', count: 5 })
  })
})

describe('saving a schedule', () => {
  function fillCron() {
    type('schedule-name', 'e2e-every-minute')
    type('schedule-task', 'examples.noop')
    type('schedule-cron', '*/1 * * * *')
  }

  it('refuses arguments that are not a JSON array and keyword arguments that are not an object', async () => {
    const calls = mockFetch({ [PREVIEW]: { body: { next: [] } } })
    renderForm()
    fillCron()
    type('schedule-args', '{"a": 1}')
    type('schedule-kwargs', '[1')
    expect(screen.getByTestId('schedule-args-error').textContent).toContain('JSON array')
    expect(screen.getByTestId('schedule-kwargs-error').textContent).toContain('JSON object')
    fireEvent.click(screen.getByTestId('schedule-save'))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(callsTo(calls, `POST ${SCHEDULES}`)).toHaveLength(0)
  })

  it('creates it with the fields of its kind only, and says so', async () => {
    const calls = mockFetch({
      [PREVIEW]: { body: { next: [] } },
      [`POST ${SCHEDULES}`]: { status: 201, body: schedule({ name: 'e2e-every-minute' }) },
    })
    const onDone = renderForm()
    fillCron()
    type('schedule-args', '["a", 2]')
    type('schedule-kwargs', '{"to": "ann"}')
    type('schedule-misfire', 'skip')
    fireEvent.click(screen.getByTestId('schedule-save'))
    await waitFor(() => expect(onDone).toHaveBeenCalledOnce())
    expect(callsTo(calls, `POST ${SCHEDULES}`)[0].body).toEqual({
      name: 'e2e-every-minute',
      task_name: 'examples.noop',
      kind: 'cron',
      cron: '*/1 * * * *',
      timezone: 'UTC',
      enabled: true,
      args: ['a', 2],
      kwargs: { to: 'ann' },
      misfire_policy: 'skip',
    })
    expect(screen.getByTestId('toast').textContent).toContain('Schedule e2e-every-minute saved.')
  })

  it('puts an edited schedule back whole, with what the form does not show', async () => {
    const existing = schedule({ kind: 'interval', cron: null, interval_seconds: 3600, enabled: false })
    const calls = mockFetch({
      [PREVIEW]: { body: { next: [] } },
      [`PUT ${SCHEDULES}/7`]: { body: existing },
    })
    const onDone = renderForm(existing)
    expect((screen.getByTestId('schedule-interval') as HTMLInputElement).value).toBe('3600')
    expect((screen.getByTestId('schedule-args') as HTMLTextAreaElement).value).toBe('[1,2]')
    type('schedule-interval', '1800')
    fireEvent.click(screen.getByTestId('schedule-save'))
    await waitFor(() => expect(onDone).toHaveBeenCalledOnce())
    expect(callsTo(calls, `PUT ${SCHEDULES}/7`)[0].body).toEqual({
      name: 'nightly-report',
      task_name: 'examples.add',
      kind: 'interval',
      interval_seconds: 1800,
      timezone: 'America/New_York',
      enabled: false,
      args: [1, 2],
      kwargs: {},
      misfire_policy: 'fire_once',
      queue: 'reports',
      catch_up_seconds: 3600,
    })
  })

  it('shows a one-off time as the clock of its zone reads it', () => {
    mockFetch({ [PREVIEW]: { body: { next: [] } } })
    renderForm(schedule({ kind: 'one_off', cron: null, run_at: '2026-07-01T16:30:00Z' }))
    expect((screen.getByTestId('schedule-run-at') as HTMLInputElement).value).toBe('2026-07-01T12:30')
  })

  it('keeps the seconds of a one-off time when an edit changes only its name', async () => {
    // A one-off made through the API (or in code) at 10:00:30: renaming it must not move it to 10:00:00.
    const existing = schedule({ kind: 'one_off', cron: null, run_at: '2026-12-01T10:00:30Z', timezone: 'UTC' })
    const calls = mockFetch({
      [PREVIEW]: { body: { next: [] } },
      [`PUT ${SCHEDULES}/7`]: { body: existing },
    })
    const onDone = renderForm(existing)
    type('schedule-name', 'renamed-report')
    fireEvent.click(screen.getByTestId('schedule-save'))
    await waitFor(() => expect(onDone).toHaveBeenCalledOnce())
    const sent = callsTo(calls, `PUT ${SCHEDULES}/7`)[0].body as { run_at: string }
    expect(Date.parse(sent.run_at)).toBe(Date.parse('2026-12-01T10:00:30Z'))
  })

  it('shows a refusal of the server next to the field it is about, as the users form does', async () => {
    mockFetch({
      [PREVIEW]: { body: { next: [] } },
      [`POST ${SCHEDULES}`]: {
        status: 409,
        body: { error: 'name_taken', message: "a schedule named 'e2e-every-minute' exists" },
      },
    })
    const onDone = renderForm()
    fillCron()
    fireEvent.click(screen.getByTestId('schedule-save'))
    // Not only a toast that is gone 5 s later: the name is the field to change.
    const error = await screen.findByTestId('schedule-name-error')
    expect(error.textContent).toContain('exists')
    expect(onDone).not.toHaveBeenCalled()
  })
})
