import { useState } from 'react'
import type { FormEvent } from 'react'
import type { ExecutionFilters as Filters } from '../api/executions'
import { EXECUTION_STATUSES } from '../api/types'
import type { ExecutionStatus } from '../api/types'
import { t } from '../i18n'

type TextFilters = Pick<Filters, 'task_name' | 'queue' | 'q'>

interface ExecutionFiltersProps {
  filters: Filters
  onApply: (change: Partial<Filters>) => void
  onClear: () => void
}

/** The status applies at once; the text fields apply on Enter or with the Apply button. */
export function ExecutionFilters({ filters, onApply, onClear }: ExecutionFiltersProps) {
  const [draft, setDraft] = useState<TextFilters>({ task_name: filters.task_name, queue: filters.queue, q: filters.q })

  function submit(event: FormEvent) {
    event.preventDefault()
    onApply(draft)
  }

  function textField(name: keyof TextFilters, testId: string, placeholder: string) {
    return (
      <input
        data-testid={testId}
        type="search"
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
        {textField('task_name', 'filter-task', t('filters.task_name_placeholder'))}
      </label>
      <label>
        {t('filters.queue')}
        {textField('queue', 'filter-queue', t('filters.queue_placeholder'))}
      </label>
      <label className="grow">
        {t('filters.q')}
        {textField('q', 'filter-q', t('filters.q_placeholder'))}
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
