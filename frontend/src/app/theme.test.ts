import { afterEach, describe, expect, it } from 'vitest'
import { applyTheme, nextTheme, storedTheme } from './theme'

describe('theme', () => {
  afterEach(() => applyTheme('system'))

  it('follows the system until the user picks a scheme, and remembers the pick', () => {
    expect(storedTheme()).toBe('system')
    expect(document.documentElement.dataset.theme).toBeUndefined()
    applyTheme('dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(storedTheme()).toBe('dark')
    applyTheme('system')
    expect(document.documentElement.dataset.theme).toBeUndefined()
  })

  it('cycles system, light, dark', () => {
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system'])
  })
})
