import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import type { ApiToken, CreatedToken } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { TextField } from '../../components/form/TextField'
import { QueryState } from '../../components/QueryState'
import { useNotifyFailure } from '../../components/toast'
import { useConfirmedDelete } from '../../components/useConfirmedDelete'
import { Time } from '../../components/Time'
import { t } from '../../i18n'
import { createToken, deleteToken } from './api'
import { tokenKeys, useTokens } from './queries'
import { RolePicker } from './RolePicker'

/** The only time the secret is visible: the server keeps a hash of it. */
function TokenSecret({ token, onDone }: { token: CreatedToken; onDone: () => void }) {
  return (
    <div className="banner banner-success" role="status" data-testid="token-created">
      <strong>{t('tokens.secret_title', { name: token.name })}</strong>
      <p>{t('tokens.secret_message')}</p>
      <pre className="code" data-testid="token-secret">
        {token.token}
      </pre>
      <button type="button" data-testid="token-secret-done" onClick={onDone}>
        {t('tokens.secret_done')}
      </button>
    </div>
  )
}

function NewTokenForm({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const [name, setName] = useState('')
  const [roles, setRoles] = useState<string[]>([])
  const queryClient = useQueryClient()
  const create = useMutation({
    mutationFn: createToken,
    onSuccess: async (token) => {
      onCreated(token)
      setName('')
      setRoles([])
      await queryClient.invalidateQueries({ queryKey: tokenKeys.all })
    },
    onError: useNotifyFailure(),
  })

  function submit(event: FormEvent) {
    event.preventDefault()
    create.mutate({ name, roles })
  }

  return (
    <form className="card inline-form" onSubmit={submit} data-testid="token-form">
      <h3>{t('tokens.create_title')}</h3>
      <TextField label={t('tokens.name')} testId="token-name" required value={name} onChange={setName} />
      <fieldset>
        <legend>{t('tokens.roles')}</legend>
        <RolePicker testId="token-roles" selected={roles} onChange={setRoles} />
      </fieldset>
      <button type="submit" className="primary" data-testid="token-create" disabled={create.isPending}>
        {t('tokens.create')}
      </button>
    </form>
  )
}

function columns(onDelete: (token: ApiToken) => void): Column<ApiToken>[] {
  return [
    { header: t('tokens.name'), cell: (token) => token.name },
    { header: t('tokens.owner'), cell: (token) => token.username },
    { header: t('tokens.roles'), cell: (token) => token.roles.join(', ') },
    { header: t('tokens.created_at'), cell: (token) => <Time instant={token.created_at} /> },
    {
      header: t('tokens.last_used_at'),
      cell: (token) => (token.last_used_at ? <Time instant={token.last_used_at} /> : t('tokens.never')),
    },
    {
      header: null,
      cell: (token) => (
        <button type="button" className="danger" data-testid="token-delete" onClick={() => onDelete(token)}>
          {t('tokens.delete')}
        </button>
      ),
    },
  ]
}

export function TokensSection() {
  const tokens = useTokens()
  const [created, setCreated] = useState<CreatedToken | null>(null)
  const deletion = useConfirmedDelete({
    remove: (token: ApiToken) => deleteToken(token.id),
    queryKey: tokenKeys.all,
    deletedText: (token) => t('toasts.token_deleted', { name: token.name }),
  })

  return (
    <section>
      <h1>{t('tokens.title')}</h1>
      {created && <TokenSecret token={created} onDone={() => setCreated(null)} />}
      <QueryState query={tokens} pending={null}>
        {(data) => (
          <DataTable
            testId="tokens-table"
            columns={columns(deletion.ask)}
            rows={data.items}
            rowKey={(token) => token.id}
            rowTestId="token-row"
            rowAttributes={(token) => ({ 'data-name': token.name })}
          />
        )}
      </QueryState>
      <NewTokenForm onCreated={setCreated} />
      {deletion.deleting && (
        <ConfirmDialog
          testId="delete-token"
          title={t('tokens.delete_title', { name: deletion.deleting.name })}
          message={t('tokens.delete_message')}
          confirmLabel={t('tokens.delete')}
          cancelLabel={t('tokens.cancel')}
          {...deletion.dialog}
        />
      )}
    </section>
  )
}
