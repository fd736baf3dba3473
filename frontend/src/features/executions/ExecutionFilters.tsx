import { useState } from 'react'
import type { FormEvent } from 'react'
import { EXECUTION_STATUSES } from '../../api/types'
import type { ExecutionStatus } from '../../api/types'
import { SelectField } from '../../components/form/SelectField'
import { TextField } from '../../components/form/TextField'
import { useTimeZone } from '../../app/zoneChoice'
import { t } from '../../i18n'
import { instantAt, wallTimeIn } from '../../timeZones'
import type { ExecutionFilters as Filters } from './api'

/** Any status first, then each status of the contract. */
const STATUS_CHOICES: readonly (ExecutionStatus | '')[] = ['', ...EXECUTION_STATUSES]

function statusLabel(status: ExecutionStatus | ''): string {
  return status === '' ? t('filters.any_status') : t(`status.${status}`)
}

/** The search fields beyond the first row, shown folded unless one of them is set. */
const DEEP_FIELDS = ['args', 'kwargs', 'result', 'error', 'worker', 'exception_type'] as const

const JSON_FIELDS: ReadonlySet<string> = new Set(['args', 'kwargs', 'result'])

const PLACEHOLDERS: Record<(typeof DEEP_FIELDS)[number], string | undefined> = {
  args: t('filters.args_placeholder'),
  kwargs: t('filters.kwargs_placeholder'),
  result: t('filters.result_placeholder'),
  error: t('filters.error_placeholder'),
  worker: undefined,
  exception_type: t('filters.exception_type_placeholder'),
}

/** The fields that apply on submit; `since` and `until` as the inputs show them, in the zone the page shows. */
type Draft = Pick<Filters, 'task_name' | 'queue' | 'q' | 'since' | 'until' | (typeof DEEP_FIELDS)[number]>

function draftOf(filters: Filters, zone: string): Draft {
  return {
    task_name: filters.task_name,
    queue: filters.queue,
    q: filters.q,
    args: filters.args,
    kwargs: filters.kwargs,
    result: filters.result,
    error: filters.error,
    worker: filters.worker,
    exception_type: filters.exception_type,
    since: filters.since && wallTimeIn(filters.since, zone),
    until: filters.until && wallTimeIn(filters.until, zone),
  }
}

interface ExecutionFiltersProps {
  filters: Filters
  onApply: (change: Partial<Filters>) => void
  onClear: () => void
}

/** The status applies at once; the text and time fields apply on Enter or with the Apply button. */
export function ExecutionFilters({ filters, onApply, onClear }: ExecutionFiltersProps) {
  // The zone every time on the page is shown in (the navbar's choice): a time copied from a row filters on it.
  const zone = useTimeZone()
  const [draft, setDraft] = useState(() => draftOf(filters, zone))

  function submit(event: FormEvent) {
    event.preventDefault()
    onApply({
      ...draft,
      since: instantAt(draft.since, zone) ?? '',
      until: instantAt(draft.until, zone) ?? '',
    })
  }

  function field(name: keyof Draft) {
    return { value: draft[name], onChange: (value: string) => setDraft({ ...draft, [name]: value }) }
  }

  return (
    <form className="filters" role="search" onSubmit={submit}>
      <SelectField
        label={t('filters.status')}
        testId="filter-status"
        choices={STATUS_CHOICES}
        choiceLabel={statusLabel}
        value={filters.status}
        onChange={(status) => onApply({ status })}
      />
      <TextField
        label={t('filters.task_name')}
        testId="filter-task"
        type="search"
        placeholder={t('filters.task_name_placeholder')}
        {...field('task_name')}
      />
      <TextField
        label={t('filters.queue')}
        testId="filter-queue"
        type="search"
        placeholder={t('filters.queue_placeholder')}
        {...field('queue')}
      />
      <TextField label={`${t('filters.since')} (${zone})`} testId="filter-since" type="datetime-local" {...field('since')} />
      <TextField label={`${t('filters.until')} (${zone})`} testId="filter-until" type="datetime-local" {...field('until')} />
      <TextField
        label={t('filters.q')}
        testId="filter-q"
        type="search"
        placeholder={t('filters.q_placeholder')}
        className="grow"
        {...field('q')}
      />
      <details className="deep-search" open={DEEP_FIELDS.some((name) => filters[name] !== '')}>
        <summary data-testid="filter-more">{t('filters.more')}</summary>
        <div className="filters-row">
          {DEEP_FIELDS.map((name) => (
            <TextField
              key={name}
              label={t(`filters.${name}`)}
              testId={`filter-${name.replace('_', '-')}`}
              type="search"
              mono={JSON_FIELDS.has(name)}
              placeholder={PLACEHOLDERS[name]}
              {...field(name)}
            />
          ))}
        </div>
      </details>
      <button type="submit" className="primary" data-testid="filter-apply">
        {t('filters.apply')}
      </button>
      <button type="button" data-testid="filter-clear" onClick={onClear}>
        {t('filters.clear')}
      </button>
    </form>
  )
}
