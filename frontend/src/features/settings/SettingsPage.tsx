import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import { ApiError } from '../../api/client'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { SelectField } from '../../components/form/SelectField'
import { TextField } from '../../components/form/TextField'
import { QueryState } from '../../components/QueryState'
import { Time } from '../../components/Time'
import { useNotifyFailure, useToast } from '../../components/toast'
import { usePageTitle } from '../../components/usePageTitle'
import { label, t } from '../../i18n'
import { PERMISSIONS } from '../session/api'
import { useCan } from '../session/queries'
import { fetchSettings, updateSetting } from './api'
import type { Setting } from './api'
import { BOOLEAN_CHOICES, appliesText, editorOf, isChange } from './settingForm'

const settingKeys = { all: ['settings'] as const }

/** The value as a form: saved on submit; a refusal shows under the field, the stored value stays. */
function SettingValue({ setting }: { setting: Setting }) {
  const [value, setValue] = useState(setting.value)
  const [error, setError] = useState<string | null>(null)
  const queryClient = useQueryClient()
  const notify = useToast()
  const notifyFailure = useNotifyFailure()
  const save = useMutation({
    mutationFn: () => updateSetting(setting.key, value.trim()),
    onSuccess: async () => {
      notify(t('settings.saved', { key: setting.key }))
      await queryClient.invalidateQueries({ queryKey: settingKeys.all })
    },
    onError: (failure) => {
      if (failure instanceof ApiError && failure.code === 'invalid_field') {
        setError(failure.message)
      } else {
        notifyFailure(failure)
      }
    },
  })
  function submit(event: FormEvent) {
    event.preventDefault()
    setError(null)
    save.mutate()
  }
  const fieldLabel = t('settings.value_of', { key: setting.key })
  const testId = `setting-value-${setting.key}`
  const editor = editorOf(setting.kind)
  return (
    <form className="inline-form setting-form" onSubmit={submit} data-testid={`setting-form-${setting.key}`}>
      {editor === 'choice' ? (
        <SelectField
          label={fieldLabel}
          testId={testId}
          choices={BOOLEAN_CHOICES}
          choiceLabel={(choice) => t(`settings.choice_${choice}`)}
          value={value.toLowerCase() === 'true' ? 'true' : 'false'}
          onChange={setValue}
          error={error}
        />
      ) : (
        <TextField
          label={fieldLabel}
          testId={testId}
          inputMode={editor === 'number' ? 'numeric' : undefined}
          mono={editor === 'text'}
          value={value}
          onChange={setValue}
          error={error}
        />
      )}
      <button
        type="submit"
        className="primary"
        data-testid={`setting-save-${setting.key}`}
        disabled={save.isPending || !isChange(setting.kind, setting.value, value)}
      >
        {t('settings.save')}
      </button>
    </form>
  )
}

function columns(canEdit: boolean): Column<Setting>[] {
  return [
    {
      header: t('settings.setting'),
      cell: (setting) => (
        <>
          <div className="mono">{setting.key}</div>
          <div className="muted small">{label('settings_help', setting.key)}</div>
        </>
      ),
    },
    {
      header: t('settings.value'),
      cell: (setting) =>
        canEdit ? (
          <SettingValue key={setting.value} setting={setting} />
        ) : (
          <span className="mono" data-testid={`setting-text-${setting.key}`}>
            {setting.value}
          </span>
        ),
    },
    { header: t('settings.applies'), testId: 'setting-applies', cell: (setting) => appliesText(setting.applies) },
    { header: t('settings.updated_at'), cell: (setting) => <Time instant={setting.updated_at} /> },
  ]
}

/** The engine settings stored in the database: when a change takes effect; administrators change them. */
export function SettingsPage() {
  usePageTitle(t('settings.title'))
  const canEdit = useCan(PERMISSIONS.admin)
  const settings = useQuery({ queryKey: settingKeys.all, queryFn: fetchSettings })
  return (
    <section>
      <h1>{t('settings.title')}</h1>
      <p className="muted">{t('settings.intro')}</p>
      {!canEdit && (
        <p className="muted" data-testid="settings-read-only">
          {t('settings.read_only')}
        </p>
      )}
      <QueryState query={settings} isEmpty={(data) => data.items.length === 0} emptyText={t('settings.empty')}>
        {(data) => (
          <DataTable
            testId="settings-table"
            columns={columns(canEdit)}
            rows={data.items}
            rowKey={(setting) => setting.key}
            rowTestId="setting-row"
            rowAttributes={(setting) => ({ 'data-key': setting.key })}
            cards
          />
        )}
      </QueryState>
    </section>
  )
}
