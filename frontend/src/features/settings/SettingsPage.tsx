import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import { ApiError } from '../../api/client'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { TextField } from '../../components/form/TextField'
import { QueryState } from '../../components/QueryState'
import { Time } from '../../components/Time'
import { useNotifyFailure, useToast } from '../../components/toast'
import { usePageTitle } from '../../components/usePageTitle'
import { label, t } from '../../i18n'
import { fetchSettings, updateSetting } from './api'
import type { Setting } from './api'

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
  return (
    <form className="inline-form setting-form" onSubmit={submit} data-testid={`setting-form-${setting.key}`}>
      <TextField
        label={t('settings.value_of', { key: setting.key })}
        testId={`setting-value-${setting.key}`}
        inputMode="numeric"
        value={value}
        onChange={setValue}
        error={error}
      />
      <button type="submit" className="primary" data-testid={`setting-save-${setting.key}`} disabled={save.isPending}>
        {t('settings.save')}
      </button>
    </form>
  )
}

const COLUMNS: Column<Setting>[] = [
  {
    header: t('settings.setting'),
    cell: (setting) => (
      <>
        <div className="mono">{setting.key}</div>
        <div className="muted small">{label('settings_help', setting.key)}</div>
      </>
    ),
  },
  { header: t('settings.value'), cell: (setting) => <SettingValue key={setting.value} setting={setting} /> },
  {
    header: t('settings.applies'),
    testId: 'setting-applies',
    cell: (setting) => (setting.requires_restart ? t('settings.after_restart') : t('settings.at_once')),
  },
  { header: t('settings.updated_at'), cell: (setting) => <Time instant={setting.updated_at} /> },
]

/** The engine settings stored in the database, for administrators; which ones need a restart. */
export function SettingsPage() {
  usePageTitle(t('settings.title'))
  const settings = useQuery({ queryKey: settingKeys.all, queryFn: fetchSettings })
  return (
    <section>
      <h1>{t('settings.title')}</h1>
      <p className="muted">{t('settings.intro')}</p>
      <QueryState query={settings} isEmpty={(data) => data.items.length === 0} emptyText={t('settings.empty')}>
        {(data) => (
          <DataTable
            testId="settings-table"
            columns={COLUMNS}
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
