import { describe, expect, it } from 'vitest'
import { ApiError } from '../../api/client'
import { fieldErrorOf } from './fieldErrors'

describe('fieldErrorOf', () => {
  it('puts a taken username next to the username', () => {
    expect(fieldErrorOf(new ApiError(409, 'username_taken', 'ann exists'))).toEqual({
      field: 'username',
      message: 'ann exists',
    })
  })

  it('puts an invalid field next to the field its message names', () => {
    const roles = new ApiError(422, 'invalid_field', 'roles must name at least one of viewer, operator, admin')
    expect(fieldErrorOf(roles)?.field).toBe('roles')
    expect(fieldErrorOf(new ApiError(422, 'invalid_field', 'password must have 8 characters'))?.field).toBe('password')
  })

  it('leaves other failures to a toast', () => {
    expect(fieldErrorOf(new ApiError(500, 'internal', 'down'))).toBeNull()
    expect(fieldErrorOf(new Error('offline'))).toBeNull()
  })
})
