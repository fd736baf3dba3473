import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import { createUser, deleteUser, fetchUsers, updateUser } from '../api/administration'
import type { User } from '../api/types'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { ErrorMessage } from '../components/ErrorMessage'
import { RolePicker } from '../components/RolePicker'
import { useNotifyFailure, useToast } from '../components/Toasts'
import { useConfirmedDelete } from '../components/useConfirmedDelete'
import { formatInstant } from '../format'
import { t } from '../i18n'

const USERS_KEY = ['users']

function NewUserForm() {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [roles, setRoles] = useState<string[]>([])
  const queryClient = useQueryClient()
  const notify = useToast()
  const create = useMutation({
    mutationFn: createUser,
    onSuccess: async (user) => {
      notify(t('toasts.user_created', { username: user.username }))
      setUsername('')
      setPassword('')
      setRoles([])
      await queryClient.invalidateQueries({ queryKey: USERS_KEY })
    },
    onError: useNotifyFailure(),
  })

  function submit(event: FormEvent) {
    event.preventDefault()
    create.mutate({ username, password, roles })
  }

  return (
    <form className="card inline-form" onSubmit={submit} data-testid="user-form">
      <h3>{t('users.create_title')}</h3>
      <label>
        {t('users.username')}
        <input data-testid="user-username" required value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        {t('users.password')}
        <input
          data-testid="user-password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <fieldset>
        <legend>{t('users.roles')}</legend>
        <RolePicker testId="user-roles" selected={roles} onChange={setRoles} />
      </fieldset>
      <button type="submit" className="primary" data-testid="user-create" disabled={create.isPending}>
        {t('users.create')}
      </button>
    </form>
  )
}

function UserRow({ user, onDelete }: { user: User; onDelete: (user: User) => void }) {
  const queryClient = useQueryClient()
  const notify = useToast()
  const toggle = useMutation({
    mutationFn: () => updateUser(user.id, { disabled: !user.disabled }),
    onSuccess: async () => {
      notify(t('toasts.user_updated', { username: user.username }))
      await queryClient.invalidateQueries({ queryKey: USERS_KEY })
    },
    onError: useNotifyFailure(),
  })
  return (
    <tr data-testid="user-row" data-username={user.username} data-disabled={user.disabled}>
      <td>{user.username}</td>
      <td>{user.roles.join(', ')}</td>
      <td>{user.disabled ? t('users.disabled') : t('users.active')}</td>
      <td>{formatInstant(user.created_at)}</td>
      <td>
        <div className="row-actions">
          <button type="button" data-testid="user-toggle" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
            {user.disabled ? t('users.enable') : t('users.disable')}
          </button>
          <button type="button" className="danger" data-testid="user-delete" onClick={() => onDelete(user)}>
            {t('users.delete')}
          </button>
        </div>
      </td>
    </tr>
  )
}

export function UsersSection() {
  const users = useQuery({ queryKey: USERS_KEY, queryFn: fetchUsers })
  const deletion = useConfirmedDelete({
    remove: (user: User) => deleteUser(user.id),
    queryKey: USERS_KEY,
    deletedText: (user) => t('toasts.user_deleted', { username: user.username }),
  })

  return (
    <section>
      <h1>{t('users.title')}</h1>
      {users.isError && <ErrorMessage error={users.error} />}
      {users.data && (
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>{t('users.username')}</th>
              <th>{t('users.roles')}</th>
              <th>{t('users.state')}</th>
              <th>{t('users.created_at')}</th>
              <th>{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((user) => (
              <UserRow key={user.id} user={user} onDelete={deletion.ask} />
            ))}
          </tbody>
        </table>
      )}
      <NewUserForm />
      {deletion.deleting && (
        <ConfirmDialog
          testId="delete-user"
          title={t('users.delete_title', { username: deletion.deleting.username })}
          message={t('users.delete_message')}
          confirmLabel={t('users.delete')}
          cancelLabel={t('users.cancel')}
          {...deletion.dialog}
        />
      )}
    </section>
  )
}
