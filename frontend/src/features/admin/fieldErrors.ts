import { ApiError } from '../../api/client'

export type UserField = 'username' | 'password' | 'roles'

export interface FieldError {
  field: UserField
  message: string
}

/**
 * Which field of the user form a refusal is about, so that it shows next to it: `username_taken` is the
 * username's; `own_account` and `last_admin` (a refused demotion) the roles'; `invalid_field` names its field in the message (`roles must ...`, `password must ...`). Null for
 * anything else (a toast says it).
 */
export function fieldErrorOf(error: unknown): FieldError | null {
  if (!(error instanceof ApiError)) {
    return null
  }
  if (error.code === 'username_taken') {
    return { field: 'username', message: error.message }
  }
  if (error.code === 'own_account' || error.code === 'last_admin') {
    return { field: 'roles', message: error.message } // a demotion the server refuses: the roles are at fault
  }
  if (error.code !== 'invalid_field') {
    return null
  }
  const named = (['roles', 'password', 'username'] as const).find((field) => error.message.toLowerCase().includes(field))
  return { field: named ?? 'username', message: error.message }
}
