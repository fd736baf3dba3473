import { useState } from 'react'
import type { FormEvent } from 'react'
import type { ExecutionFilters as Filters } from '../api/executions'
import { EXECUTION_STATUSES } from '../api/types'
import type { ExecutionStatus } from '../api/types'
import { t } from '../i18n'
import { browserTimeZone, instantAt, wallTimeIn } from '../timeZones'

/** The fields that apply on submit; `since` and `until` as the inputs show them, in the browser's zone. */
type Draft = Pick<Filters, 'task_name' | 'queue' | 'q' | 'since' | 'until'>

function draftOf(filters: Filters, zone: string): Draft {
  return {
    task_name: filters.task_name,
    queue: filters.queue,
    q: filters.q,
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
  const zone = browserTimeZone()
  const [draft, setDraft] = useState(() => draftOf(filters, zone))

  function submit(event: FormEvent) {
    event.preventDefault()
    onApply({
      ...draft,
      since: instantAt(draft.since, zone) ?? '',
      until: instantAt(draft.until, zone) ?? '',
    })
  }

  function field(name: keyof Draft, testId: string, type: 'search' | 'datetime-local', placeholder?: string) {
    return (
      <input
        data-testid={testId}
        type={type}
        placeholder={placeholder}
        value={draft[name]}
        onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
      />
    )
  }

  return (
    <form className="filters" role="search" onSubmit={submit}>
      <label>
        {t('filters.status')}
        <select
          data-testid="filter-status"
          value={filters.status}
          onChange={(event) => onApply({ status: event.target.value as ExecutionStatus | '' })}
        >
          <option value="">{t('filters.any_status')}</option>
          {EXECUTION_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`status.${status}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filters.task_name')}
        {field('task_name', 'filter-task', 'search', t('filters.task_name_placeholder'))}
      </label>
      <label>
        {t('filters.queue')}
        {field('queue', 'filter-queue', 'search', t('filters.queue_placeholder'))}
      </label>
      <label>
        {t('filters.since')}
        {field('since', 'filter-since', 'datetime-local')}
      </label>
      <label>
        {t('filters.until')}
        {field('until', 'filter-until', 'datetime-local')}
      </label>
      <label className="grow">
        {t('filters.q')}
        {field('q', 'filter-q', 'search', t('filters.q_placeholder'))}
      </label>
      <button type="submit" className="primary" data-testid="filter-apply">
        {t('filters.apply')}
      </button>
      <button type="button" data-testid="filter-clear" onClick={onClear}>
        {t('filters.clear')}
      </button>
    </form>
  )
}
