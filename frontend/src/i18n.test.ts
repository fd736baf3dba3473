import { describe, expect, it } from 'vitest'
import { label, t } from './i18n'
import messages from './locales/en.json'

describe('messages', () => {
  it('has the sections the reference module names', () => {
    expect(Object.keys(messages)).toEqual(
      expect.arrayContaining(['index', 'filters', 'status', 'table', 'detail', 'retry_dialog', 'toasts']),
    )
  })

  it('fills placeholders', () => {
    expect(t('pagination.page_of', { page: 2, pages: 7 })).toBe('Page 2 of 7')
  })

  it('names values from the server by themselves when it has no text for them', () => {
    expect(label('timeline', 'lease_expired')).toBe('Lease expired')
    expect(label('timeline', 'teleported')).toBe('teleported')
  })
})
