import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import { SCHEDULES_KEY, createSchedule, updateSchedule } from '../api/schedules'
import type { PreviewRequest, ScheduleDefinition, ScheduleOptions, ScheduleSpec } from '../api/schedules'
import { MISFIRE_POLICIES, SCHEDULE_KINDS, SOLAR_EVENTS } from '../api/types'
import type { Json, MisfirePolicy, Schedule, ScheduleKind, SolarEvent } from '../api/types'
import { useNotifyFailure, useToast } from '../components/Toasts'
import { label, t } from '../i18n'
import type { Section } from '../i18n'
import { DEFAULT_TIME_ZONE, TIME_ZONES, instantAt, wallTimeIn } from '../timeZones'
import { SchedulePreview } from './SchedulePreview'

const PREVIEW_COUNT = 5

/** The form's fields as typed; `run_at` is the wall time in the chosen zone. */
interface Draft {
  name: string
  task_name: string
  kind: ScheduleKind
  cron: string
  interval_seconds: string
  solar_event: SolarEvent
  latitude: string
  longitude: string
  run_at: string
  timezone: string
  misfire_policy: MisfirePolicy
  args: string
  kwargs: string
}

type ChangeDraft = <K extends keyof Draft>(name: K, value: Draft[K]) => void

function draftOf(schedule: Schedule | null): Draft {
  return {
    name: schedule?.name ?? '',
    task_name: schedule?.task_name ?? '',
    kind: schedule?.kind ?? 'cron',
    cron: schedule?.cron ?? '',
    interval_seconds: String(schedule?.interval_seconds ?? ''),
    solar_event: schedule?.solar_event ?? 'sunrise',
    latitude: String(schedule?.latitude ?? ''),
    longitude: String(schedule?.longitude ?? ''),
    run_at: schedule?.run_at ? wallTimeIn(schedule.run_at, schedule.timezone) : '',
    timezone: schedule?.timezone ?? DEFAULT_TIME_ZONE,
    misfire_policy: schedule?.misfire_policy ?? 'fire_once',
    args: JSON.stringify(schedule?.args ?? []),
    kwargs: JSON.stringify(schedule?.kwargs ?? {}),
  }
}

function numberIn(text: string): number | null {
  const value = Number(text)
  return text.trim() !== '' && Number.isFinite(value) ? value : null
}

/** The spec as far as it is typed, for the server to judge; null while a field of its kind is still empty. */
function specOf(draft: Draft, timezone: string): ScheduleSpec | null {
  switch (draft.kind) {
    case 'cron':
      return draft.cron.trim() === '' ? null : { kind: 'cron', cron: draft.cron.trim() }
    case 'interval': {
      const seconds = numberIn(draft.interval_seconds)
      return seconds === null ? null : { kind: 'interval', interval_seconds: seconds }
    }
    case 'solar': {
      const latitude = numberIn(draft.latitude)
      const longitude = numberIn(draft.longitude)
      return latitude === null || longitude === null
        ? null
        : { kind: 'solar', solar_event: draft.solar_event, latitude, longitude }
    }
    case 'one_off': {
      const runAt = instantAt(draft.run_at, timezone)
      return runAt === null ? null : { kind: 'one_off', run_at: runAt }
    }
  }
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json
  } catch {
    return undefined
  }
}

function jsonArray(text: string): Json[] | null {
  const value = parseJson(text)
  return Array.isArray(value) ? value : null
}

function jsonObject(text: string): { [key: string]: Json } | null {
  const value = parseJson(text)
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null
}

const KEPT_OPTIONS = ['start_at', 'expires_at', 'queue', 'priority', 'catch_up_seconds'] as const

/** PUT replaces the whole definition: what this form does not show goes back as it was. */
function keptOptions(schedule: Schedule | null): ScheduleOptions {
  return Object.fromEntries(
    KEPT_OPTIONS.flatMap((key) => (schedule?.[key] == null ? [] : [[key, schedule[key]]])),
  ) as ScheduleOptions
}

interface ChoiceFieldProps<T extends string> {
  testId: string
  caption: string
  choices: readonly T[]
  /** The section of the messages that names each choice. */
  labels: Section
  value: T
  onChange: (value: T) => void
}

function ChoiceField<T extends string>({ testId, caption, choices, labels, value, onChange }: ChoiceFieldProps<T>) {
  return (
    <label>
      {caption}
      <select data-testid={testId} value={value} onChange={(event) => onChange(event.target.value as T)}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {label(labels, choice)}
          </option>
        ))}
      </select>
    </label>
  )
}

interface CoordinateFieldProps {
  name: 'latitude' | 'longitude'
  /** The largest number of degrees either way. */
  limit: number
  draft: Draft
  change: ChangeDraft
}

function CoordinateField({ name, limit, draft, change }: CoordinateFieldProps) {
  return (
    <label>
      {t(`schedules.${name}`)}
      <input
        data-testid={`schedule-${name}`}
        type="number"
        step="any"
        min={-limit}
        max={limit}
        required
        value={draft[name]}
        onChange={(event) => change(name, event.target.value)}
      />
    </label>
  )
}

function SpecFields({ draft, change }: { draft: Draft; change: ChangeDraft }) {
  switch (draft.kind) {
    case 'cron':
      return (
        <label className="wide">
          {t('schedules.cron')}
          <input
            data-testid="schedule-cron"
            className="mono"
            required
            placeholder="*/5 * * * *"
            value={draft.cron}
            onChange={(event) => change('cron', event.target.value)}
          />
          <span className="muted small">{t('schedules.cron_hint')}</span>
        </label>
      )
    case 'interval':
      return (
        <label>
          {t('schedules.interval')}
          <input
            data-testid="schedule-interval"
            type="number"
            min={1}
            required
            value={draft.interval_seconds}
            onChange={(event) => change('interval_seconds', event.target.value)}
          />
        </label>
      )
    case 'solar':
      return (
        <>
          <ChoiceField
            testId="schedule-solar-event"
            caption={t('schedules.solar_event')}
            choices={SOLAR_EVENTS}
            labels="solar_events"
            value={draft.solar_event}
            onChange={(solarEvent) => change('solar_event', solarEvent)}
          />
          <CoordinateField name="latitude" limit={90} draft={draft} change={change} />
          <CoordinateField name="longitude" limit={180} draft={draft} change={change} />
        </>
      )
    case 'one_off':
      return (
        <label>
          {t('schedules.run_at')}
          <input
            data-testid="schedule-run-at"
            type="datetime-local"
            required
            value={draft.run_at}
            onChange={(event) => change('run_at', event.target.value)}
          />
        </label>
      )
  }
}

interface JsonFieldProps {
  testId: string
  caption: string
  invalidText: string | null
  value: string
  onChange: (value: string) => void
}

function JsonField({ testId, caption, invalidText, value, onChange }: JsonFieldProps) {
  return (
    <label className="wide">
      {caption}
      <textarea
        data-testid={testId}
        className="mono"
        rows={2}
        aria-invalid={invalidText !== null}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {invalidText && (
        <span className="error-text small" role="alert" data-testid={`${testId}-error`}>
          {invalidText}
        </span>
      )}
    </label>
  )
}

interface ScheduleFormProps {
  /** The schedule to edit, or null for a new one. */
  schedule: Schedule | null
  onDone: () => void
}

/** Creates or edits an `api` schedule, previewing its next runs while the spec is typed. */
export function ScheduleForm({ schedule, onDone }: ScheduleFormProps) {
  const [draft, setDraft] = useState(() => draftOf(schedule))
  const queryClient = useQueryClient()
  const notify = useToast()
  const save = useMutation({
    mutationFn: (definition: ScheduleDefinition) =>
      schedule ? updateSchedule(schedule.id, definition) : createSchedule(definition),
    onSuccess: async (saved) => {
      notify(t('toasts.schedule_saved', { name: saved.name }))
      await queryClient.invalidateQueries({ queryKey: SCHEDULES_KEY })
      onDone()
    },
    onError: useNotifyFailure(),
  })

  const change: ChangeDraft = (name, value) => setDraft((current) => ({ ...current, [name]: value }))
  const timezone = draft.timezone.trim() || DEFAULT_TIME_ZONE
  const spec = specOf(draft, timezone)
  const preview: PreviewRequest | null = spec && { ...spec, timezone, count: PREVIEW_COUNT }
  const args = jsonArray(draft.args)
  const kwargs = jsonObject(draft.kwargs)

  function submit(event: FormEvent) {
    event.preventDefault()
    if (spec === null || args === null || kwargs === null) {
      return
    }
    save.mutate({
      ...keptOptions(schedule),
      ...spec,
      name: draft.name.trim(),
      task_name: draft.task_name.trim(),
      timezone,
      enabled: schedule?.enabled ?? true,
      args,
      kwargs,
      misfire_policy: draft.misfire_policy,
    })
  }

  return (
    <form className="card schedule-form" onSubmit={submit} data-testid="schedule-form">
      <h3>{schedule ? t('schedules.edit_title', { name: schedule.name }) : t('schedules.create_title')}</h3>
      <label>
        {t('schedules.name')}
        <input data-testid="schedule-name" required value={draft.name} onChange={(e) => change('name', e.target.value)} />
      </label>
      <label>
        {t('schedules.task_name')}
        <input
          data-testid="schedule-task"
          className="mono"
          required
          placeholder={t('schedules.task_placeholder')}
          value={draft.task_name}
          onChange={(e) => change('task_name', e.target.value)}
        />
      </label>
      <ChoiceField
        testId="schedule-kind"
        caption={t('schedules.kind')}
        choices={SCHEDULE_KINDS}
        labels="schedule_kinds"
        value={draft.kind}
        onChange={(kind) => change('kind', kind)}
      />
      <label>
        {t('schedules.timezone')}
        <input
          data-testid="schedule-timezone"
          list="schedule-timezones"
          required
          value={draft.timezone}
          onChange={(e) => change('timezone', e.target.value)}
        />
        <datalist id="schedule-timezones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </label>
      <SpecFields draft={draft} change={change} />
      <div className="wide">
        <SchedulePreview request={preview} />
      </div>
      <ChoiceField
        testId="schedule-misfire"
        caption={t('schedules.misfire')}
        choices={MISFIRE_POLICIES}
        labels="misfire_policies"
        value={draft.misfire_policy}
        onChange={(policy) => change('misfire_policy', policy)}
      />
      <JsonField
        testId="schedule-args"
        caption={t('schedules.args')}
        invalidText={args === null ? t('schedules.args_invalid') : null}
        value={draft.args}
        onChange={(value) => change('args', value)}
      />
      <JsonField
        testId="schedule-kwargs"
        caption={t('schedules.kwargs')}
        invalidText={kwargs === null ? t('schedules.kwargs_invalid') : null}
        value={draft.kwargs}
        onChange={(value) => change('kwargs', value)}
      />
      <div className="wide form-actions">
        <button type="submit" className="primary" data-testid="schedule-save" disabled={save.isPending}>
          {t('schedules.save')}
        </button>
        <button type="button" data-testid="schedule-cancel" onClick={onDone}>
          {t('schedules.cancel')}
        </button>
      </div>
    </form>
  )
}
