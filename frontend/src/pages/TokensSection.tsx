import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import { createToken, deleteToken, fetchTokens } from '../api/administration'
import type { ApiToken, CreatedToken } from '../api/types'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { ErrorMessage } from '../components/ErrorMessage'
import { RolePicker } from '../components/RolePicker'
import { useNotifyFailure } from '../components/Toasts'
import { useConfirmedDelete } from '../components/useConfirmedDelete'
import { formatInstant } from '../format'
import { t } from '../i18n'

const TOKENS_KEY = ['tokens']

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
      await queryClient.invalidateQueries({ queryKey: TOKENS_KEY })
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
      <label>
        {t('tokens.name')}
        <input data-testid="token-name" required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
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

function TokenRow({ token, onDelete }: { token: ApiToken; onDelete: (token: ApiToken) => void }) {
  return (
    <tr data-testid="token-row" data-name={token.name}>
      <td>{token.name}</td>
      <td>{token.username}</td>
      <td>{token.roles.join(', ')}</td>
      <td>{formatInstant(token.created_at)}</td>
      <td>{token.last_used_at ? formatInstant(token.last_used_at) : t('tokens.never')}</td>
      <td>
        <button type="button" className="danger" data-testid="token-delete" onClick={() => onDelete(token)}>
          {t('tokens.delete')}
        </button>
      </td>
    </tr>
  )
}

export function TokensSection() {
  const tokens = useQuery({ queryKey: TOKENS_KEY, queryFn: fetchTokens })
  const [created, setCreated] = useState<CreatedToken | null>(null)
  const deletion = useConfirmedDelete({
    remove: (token: ApiToken) => deleteToken(token.id),
    queryKey: TOKENS_KEY,
    deletedText: (token) => t('toasts.token_deleted', { name: token.name }),
  })

  return (
    <section>
      <h1>{t('tokens.title')}</h1>
      {created && <TokenSecret token={created} onDone={() => setCreated(null)} />}
      {tokens.isError && <ErrorMessage error={tokens.error} />}
      {tokens.data && (
        <table className="table" data-testid="tokens-table">
          <thead>
            <tr>
              <th>{t('tokens.name')}</th>
              <th>{t('tokens.owner')}</th>
              <th>{t('tokens.roles')}</th>
              <th>{t('tokens.created_at')}</th>
              <th>{t('tokens.last_used_at')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.items.map((token) => (
              <TokenRow key={token.id} token={token} onDelete={deletion.ask} />
            ))}
          </tbody>
        </table>
      )}
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
