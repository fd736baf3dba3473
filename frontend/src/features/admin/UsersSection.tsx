import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { FormEvent } from 'react'
import type { User } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { DataTable } from '../../components/DataTable'
import type { Column } from '../../components/DataTable'
import { TextField } from '../../components/form/TextField'
import { QueryState } from '../../components/QueryState'
import { useNotifyFailure, useToast } from '../../components/toast'
import { useConfirmedDelete } from '../../components/useConfirmedDelete'
import { Time } from '../../components/Time'
import { t } from '../../i18n'
import { createUser, deleteUser, updateUser } from './api'
import { fieldErrorOf } from './fieldErrors'
import type { FieldError, UserField } from './fieldErrors'
import { userKeys, useUsers } from './queries'
import { RolePicker } from './RolePicker'

function NewUserForm() {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [roles, setRoles] = useState<string[]>([])
  const [fieldError, setFieldError] = useState<FieldError | null>(null)
  const queryClient = useQueryClient()
  const notify = useToast()
  const notifyFailure = useNotifyFailure()
  const create = useMutation({
    mutationFn: createUser,
    onSuccess: async (user) => {
      notify(t('toasts.user_created', { username: user.username }))
      setUsername('')
      setPassword('')
      setRoles([])
      await queryClient.invalidateQueries({ queryKey: userKeys.all })
    },
    onError: (error) => {
      const placed = fieldErrorOf(error)
      setFieldError(placed)
      if (placed === null) {
        notifyFailure(error)
      }
    },
  })

  function submit(event: FormEvent) {
    event.preventDefault()
    setFieldError(null)
    create.mutate({ username, password, roles })
  }

  const errorOf = (field: UserField) => (fieldError?.field === field ? fieldError.message : null)

  return (
    <form className="card inline-form" onSubmit={submit} data-testid="user-form">
      <h3>{t('users.create_title')}</h3>
      <TextField
        label={t('users.username')}
        testId="user-username"
        required
        value={username}
        onChange={setUsername}
        error={errorOf('username')}
      />
      <TextField
        label={t('users.password')}
        testId="user-password"
        type="password"
        autoComplete="new-password"
        required
        value={password}
        onChange={setPassword}
        error={errorOf('password')}
      />
      <fieldset>
        <legend>{t('users.roles')}</legend>
        <RolePicker testId="user-roles" selected={roles} onChange={setRoles} />
        {errorOf('roles') && (
          <span className="error-text small" role="alert" data-testid="user-roles-error">
            {errorOf('roles')}
          </span>
        )}
      </fieldset>
      <button type="submit" className="primary" data-testid="user-create" disabled={create.isPending}>
        {t('users.create')}
      </button>
    </form>
  )
}

function UserActions({ user, onDelete }: { user: User; onDelete: (user: User) => void }) {
  const queryClient = useQueryClient()
  const notify = useToast()
  const toggle = useMutation({
    mutationFn: () => updateUser(user.id, { disabled: !user.disabled }),
    onSuccess: async () => {
      notify(t('toasts.user_updated', { username: user.username }))
      await queryClient.invalidateQueries({ queryKey: userKeys.all })
    },
    onError: useNotifyFailure(),
  })
  return (
    <div className="row-actions">
      <button type="button" data-testid="user-toggle" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
        {user.disabled ? t('users.enable') : t('users.disable')}
      </button>
      <button type="button" className="danger" data-testid="user-delete" onClick={() => onDelete(user)}>
        {t('users.delete')}
      </button>
    </div>
  )
}

function columns(onDelete: (user: User) => void): Column<User>[] {
  return [
    { header: t('users.username'), cell: (user) => user.username },
    { header: t('users.roles'), cell: (user) => user.roles.join(', ') },
    { header: t('users.state'), cell: (user) => (user.disabled ? t('users.disabled') : t('users.active')) },
    { header: t('users.created_at'), cell: (user) => <Time instant={user.created_at} /> },
    { header: t('users.actions'), cell: (user) => <UserActions user={user} onDelete={onDelete} /> },
  ]
}

export function UsersSection() {
  const users = useUsers()
  const deletion = useConfirmedDelete({
    remove: (user: User) => deleteUser(user.id),
    queryKey: userKeys.all,
    deletedText: (user) => t('toasts.user_deleted', { username: user.username }),
  })

  return (
    <section>
      <h1>{t('users.title')}</h1>
      <QueryState query={users} pending={null}>
        {(data) => (
          <DataTable
            testId="users-table"
            columns={columns(deletion.ask)}
            rows={data.items}
            rowKey={(user) => user.id}
            rowTestId="user-row"
            rowAttributes={(user) => ({ 'data-username': user.username, 'data-disabled': user.disabled })}
          />
        )}
      </QueryState>
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
