import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { ComponentProps, FormEvent } from 'react'
import { ApiError } from '../../api/client'
import { MISFIRE_POLICIES, SCHEDULE_KINDS, SOLAR_EVENTS } from '../../api/types'
import type { Json, MisfirePolicy, Schedule, ScheduleKind, SolarEvent } from '../../api/types'
import { SelectField } from '../../components/form/SelectField'
import { TextAreaField } from '../../components/form/TextAreaField'
import { NumberField, TextField } from '../../components/form/TextField'
import { useNotifyFailure, useToast } from '../../components/toast'
import { label, t } from '../../i18n'
import { DEFAULT_TIME_ZONE, TIME_ZONES, instantAt, wallTimeIn } from '../../timeZones'
import { createSchedule, updateSchedule } from './api'
import type { PreviewRequest, ScheduleDefinition, ScheduleOptions, ScheduleSpec } from './api'
import { scheduleKeys } from './queries'
import { SchedulePreview } from './SchedulePreview'
import { parseJson, stringifyJson } from '../../api/json'

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
    args: stringifyJson(schedule?.args ?? []),
    kwargs: stringifyJson(schedule?.kwargs ?? {}),
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

function jsonIn(text: string): Json | undefined {
  try {
    return parseJson(text) as Json
  } catch {
    return undefined
  }
}

function jsonArray(text: string): Json[] | null {
  const value = jsonIn(text)
  return Array.isArray(value) ? value : null
}

function jsonObject(text: string): { [key: string]: Json } | null {
  const value = jsonIn(text)
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null
}

const KEPT_OPTIONS = ['start_at', 'expires_at', 'queue', 'priority', 'catch_up_seconds'] as const

/** PUT replaces the whole definition: what this form does not show goes back as it was. */
function keptOptions(schedule: Schedule | null): ScheduleOptions {
  return Object.fromEntries(
    KEPT_OPTIONS.flatMap((key) => (schedule?.[key] == null ? [] : [[key, schedule[key]]])),
  ) as ScheduleOptions
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
    <NumberField
      label={t(`schedules.${name}`)}
      testId={`schedule-${name}`}
      step="any"
      min={-limit}
      max={limit}
      required
      value={draft[name]}
      onChange={(value) => change(name, value)}
    />
  )
}

function SpecFields({ draft, change }: { draft: Draft; change: ChangeDraft }) {
  switch (draft.kind) {
    case 'cron':
      return (
        <TextField
          label={t('schedules.cron')}
          testId="schedule-cron"
          className="wide"
          hint={t('schedules.cron_hint')}
          mono
          required
          placeholder="*/5 * * * *"
          value={draft.cron}
          onChange={(value) => change('cron', value)}
        />
      )
    case 'interval':
      return (
        <NumberField
          label={t('schedules.interval')}
          testId="schedule-interval"
          min={1}
          required
          value={draft.interval_seconds}
          onChange={(value) => change('interval_seconds', value)}
        />
      )
    case 'solar':
      return (
        <>
          <SelectField
            label={t('schedules.solar_event')}
            testId="schedule-solar-event"
            choices={SOLAR_EVENTS}
            choiceLabel={(solarEvent) => label('solar_events', solarEvent)}
            value={draft.solar_event}
            onChange={(solarEvent) => change('solar_event', solarEvent)}
          />
          <CoordinateField name="latitude" limit={90} draft={draft} change={change} />
          <CoordinateField name="longitude" limit={180} draft={draft} change={change} />
        </>
      )
    case 'one_off':
      return (
        <TextField
          label={t('schedules.run_at')}
          testId="schedule-run-at"
          type="datetime-local"
          step={1}
          required
          value={draft.run_at}
          onChange={(value) => change('run_at', value)}
        />
      )
  }
}

/** Arguments as JSON, across the form. */
function JsonField(props: Omit<ComponentProps<typeof TextAreaField>, 'className' | 'mono' | 'rows'>) {
  return <TextAreaField className="wide" mono rows={2} {...props} />
}

interface ScheduleFormProps {
  /** The schedule to edit, or null for a new one. */
  schedule: Schedule | null
  onDone: () => void
}

/** The fields a refusal of the server can be about, shown next to them rather than in a passing toast. */
type RefusedField = 'name' | 'task_name' | 'args'

const REFUSED_FIELDS: Record<string, RefusedField> = {
  name_taken: 'name',
  unknown_task: 'task_name',
  invalid_arguments: 'args',
}

/** Creates or edits an `api` schedule, previewing its next runs while the spec is typed. */
export function ScheduleForm({ schedule, onDone }: ScheduleFormProps) {
  const [draft, setDraft] = useState(() => draftOf(schedule))
  const [refusal, setRefusal] = useState<{ field: RefusedField; message: string } | null>(null)
  const queryClient = useQueryClient()
  const notify = useToast()
  const notifyFailure = useNotifyFailure()
  const save = useMutation({
    mutationFn: (definition: ScheduleDefinition) =>
      schedule ? updateSchedule(schedule.id, definition) : createSchedule(definition),
    onSuccess: async (saved) => {
      notify(t('toasts.schedule_saved', { name: saved.name }))
      await queryClient.invalidateQueries({ queryKey: scheduleKeys.all })
      onDone()
    },
    onError: (error) => {
      const field = error instanceof ApiError ? REFUSED_FIELDS[error.code] : undefined
      if (field) {
        setRefusal({ field, message: error.message })
      } else {
        notifyFailure(error)
      }
    },
  })
  const refused = (field: RefusedField) => (refusal?.field === field ? refusal.message : null)

  const change: ChangeDraft = (name, value) => {
    setDraft((current) => ({ ...current, [name]: value }))
    setRefusal((current) => (current?.field === name ? null : current))
  }
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
      <TextField
        label={t('schedules.name')}
        testId="schedule-name"
        error={refused('name')}
        required
        value={draft.name}
        onChange={(value) => change('name', value)}
      />
      <TextField
        label={t('schedules.task_name')}
        testId="schedule-task"
        error={refused('task_name')}
        mono
        required
        placeholder={t('schedules.task_placeholder')}
        value={draft.task_name}
        onChange={(value) => change('task_name', value)}
      />
      <SelectField
        label={t('schedules.kind')}
        testId="schedule-kind"
        choices={SCHEDULE_KINDS}
        choiceLabel={(kind) => label('schedule_kinds', kind)}
        value={draft.kind}
        onChange={(kind) => change('kind', kind)}
      />
      <TextField
        label={t('schedules.timezone')}
        testId="schedule-timezone"
        list="schedule-timezones"
        required
        value={draft.timezone}
        onChange={(value) => change('timezone', value)}
      >
        <datalist id="schedule-timezones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </TextField>
      <SpecFields draft={draft} change={change} />
      <div className="wide">
        <SchedulePreview request={preview} />
      </div>
      <SelectField
        label={t('schedules.misfire')}
        testId="schedule-misfire"
        choices={MISFIRE_POLICIES}
        choiceLabel={(policy) => label('misfire_policies', policy)}
        value={draft.misfire_policy}
        onChange={(policy) => change('misfire_policy', policy)}
      />
      <JsonField
        label={t('schedules.args')}
        testId="schedule-args"
        error={args === null ? t('schedules.args_invalid') : refused('args')}
        value={draft.args}
        onChange={(value) => change('args', value)}
      />
      <JsonField
        label={t('schedules.kwargs')}
        testId="schedule-kwargs"
        error={kwargs === null ? t('schedules.kwargs_invalid') : null}
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
