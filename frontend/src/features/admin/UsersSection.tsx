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
import { useMe } from '../session/queries'
import { RolePicker } from './RolePicker'

/**
 * Creates a user, or with `user` edits one: its roles, and a new password when one is typed (empty keeps the old
 * one). Refusals show next to their field; the server protects the current user and the last administrator.
 */
function UserForm({ user, onDone }: { user?: User; onDone?: () => void }) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [roles, setRoles] = useState<string[]>(user?.roles ?? [])
  const [fieldError, setFieldError] = useState<FieldError | null>(null)
  const queryClient = useQueryClient()
  const notify = useToast()
  const notifyFailure = useNotifyFailure()
  const save = useMutation({
    mutationFn: () =>
      user === undefined
        ? createUser({ username, password, roles })
        : updateUser(user.id, password === '' ? { roles } : { roles, password }),
    onSuccess: async (saved) => {
      notify(t(user === undefined ? 'toasts.user_created' : 'toasts.user_updated', { username: saved.username }))
      setUsername('')
      setPassword('')
      setRoles(user?.roles ?? [])
      await queryClient.invalidateQueries({ queryKey: userKeys.all })
      onDone?.()
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
    save.mutate()
  }

  const errorOf = (field: UserField) => (fieldError?.field === field ? fieldError.message : null)
  const prefix = user === undefined ? 'user' : 'user-edit'

  return (
    <form className="card inline-form" onSubmit={submit} data-testid={`${prefix}-form`}>
      <h3>{user === undefined ? t('users.create_title') : t('users.edit_title', { username: user.username })}</h3>
      {user === undefined && (
        <TextField
          label={t('users.username')}
          testId="user-username"
          required
          value={username}
          onChange={setUsername}
          error={errorOf('username')}
        />
      )}
      <TextField
        label={user === undefined ? t('users.password') : t('users.new_password')}
        testId={`${prefix}-password`}
        type="password"
        autoComplete="new-password"
        required={user === undefined}
        hint={user === undefined ? undefined : t('users.new_password_hint')}
        value={password}
        onChange={setPassword}
        error={errorOf('password')}
      />
      <fieldset>
        <legend>{t('users.roles')}</legend>
        <RolePicker testId={`${prefix}-roles`} selected={roles} onChange={setRoles} />
        {errorOf('roles') && (
          <span className="error-text small" role="alert" data-testid={`${prefix}-roles-error`}>
            {errorOf('roles')}
          </span>
        )}
      </fieldset>
      <button type="submit" className="primary" data-testid={`${prefix}-save`} disabled={save.isPending}>
        {user === undefined ? t('users.create') : t('users.save')}
      </button>
      {onDone && (
        <button type="button" data-testid={`${prefix}-cancel`} onClick={onDone}>
          {t('users.cancel')}
        </button>
      )}
    </form>
  )
}

interface UserActionsProps {
  user: User
  /** The signed-in administrator: their own account cannot be disabled or deleted (the server refuses too). */
  isSelf: boolean
  onEdit: (user: User) => void
  onDelete: (user: User) => void
}

function UserActions({ user, isSelf, onEdit, onDelete }: UserActionsProps) {
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
      <button type="button" data-testid="user-edit" onClick={() => onEdit(user)}>
        {t('users.edit')}
      </button>
      <button
        type="button"
        data-testid="user-toggle"
        disabled={toggle.isPending || isSelf}
        title={isSelf ? t('users.own_account') : undefined}
        onClick={() => toggle.mutate()}
      >
        {user.disabled ? t('users.enable') : t('users.disable')}
      </button>
      <button
        type="button"
        className="danger"
        data-testid="user-delete"
        disabled={isSelf}
        title={isSelf ? t('users.own_account') : undefined}
        onClick={() => onDelete(user)}
      >
        {t('users.delete')}
      </button>
    </div>
  )
}

function columns(self: string, onEdit: (user: User) => void, onDelete: (user: User) => void): Column<User>[] {
  return [
    { header: t('users.username'), cell: (user) => user.username },
    { header: t('users.roles'), cell: (user) => user.roles.join(', ') },
    { header: t('users.state'), cell: (user) => (user.disabled ? t('users.disabled') : t('users.active')) },
    { header: t('users.created_at'), cell: (user) => <Time instant={user.created_at} /> },
    {
      header: t('users.actions'),
      cell: (user) => (
        <UserActions user={user} isSelf={user.username === self} onEdit={onEdit} onDelete={onDelete} />
      ),
    },
  ]
}

export function UsersSection() {
  const users = useUsers()
  const self = useMe().data?.username ?? ''
  const [editing, setEditing] = useState<User | null>(null)
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
            columns={columns(self, setEditing, deletion.ask)}
            rows={data.items}
            rowKey={(user) => user.id}
            rowTestId="user-row"
            rowAttributes={(user) => ({ 'data-username': user.username, 'data-disabled': user.disabled })}
          />
        )}
      </QueryState>
      {editing && <UserForm key={editing.id} user={editing} onDone={() => setEditing(null)} />}
      <UserForm />
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
