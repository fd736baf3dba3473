import { describe, expect, it } from 'vitest'
import { appliesText, editorOf, isChange } from './settingForm'

describe('settingForm', () => {
  it('edits booleans as a choice, durations and retries as numbers, a queue as text', () => {
    expect(editorOf('boolean')).toBe('choice')
    expect(['seconds', 'days', 'retries'].map(editorOf)).toEqual(['number', 'number', 'number'])
    expect(editorOf('queue')).toBe('text')
  })

  it('counts as a change only what the server would store differently', () => {
    expect(isChange('days', '14', ' 14 ')).toBe(false)
    expect(isChange('days', '14', '15')).toBe(true)
    expect(isChange('boolean', 'false', 'FALSE')).toBe(false)
    expect(isChange('boolean', 'false', 'true')).toBe(true)
    expect(isChange('queue', 'default', 'Default')).toBe(true)
  })

  it('says when a change takes effect', () => {
    expect(appliesText('next_use')).toBe('at its next use')
    expect(appliesText('within_seconds')).toBe('within seconds, on every worker and dispatcher')
    expect(appliesText('restart')).toBe('after a restart')
  })
})
