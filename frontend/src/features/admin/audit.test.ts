import { describe, expect, it } from 'vitest'
import { auditFiltersFrom, auditSearch, targetLink } from './audit'

describe('targetLink', () => {
  it('links an execution to its detail, whatever the action', () => {
    const id = '0b7f5c2e-4a1d-4c55-9a0e-2f1d7c3b9e01'
    for (const action of ['retry', 'revoke', 'run_now', 'discard']) {
      expect(targetLink({ action, target: id })).toBe(`/${id}`)
    }
  })

  it('links schedules, users and tokens to their pages', () => {
    expect(targetLink({ action: 'run_schedule', target: 'nightly-report' })).toBe('/schedules')
    expect(targetLink({ action: 'update_user', target: 'vera' })).toBe('/users')
    expect(targetLink({ action: 'delete_token', target: 'billing' })).toBe('/users')
  })

  it('links nothing it has no page for', () => {
    expect(targetLink({ action: 'login', target: null })).toBeNull()
    expect(targetLink({ action: 'something_new', target: 'x' })).toBeNull()
  })
})

describe('the audit filters in the address', () => {
  it('read back what they wrote, leaving out what is not set', () => {
    const filters = { username: 'otto', action: 'retry', target: '' }
    expect(auditSearch(filters).toString()).toBe('username=otto&action=retry')
    expect(auditFiltersFrom(auditSearch(filters))).toEqual(filters)
    expect(auditFiltersFrom(new URLSearchParams('?target=%20x%20&page=2'))).toEqual({ username: '', action: '', target: 'x' })
  })
})
