import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { EXECUTION_STATUSES } from '../../api/types'
import { label } from '../../i18n'
import { StatusBadge } from './StatusBadge'

describe('StatusBadge', () => {
  it.each([
    ['pending', 'Pending'],
    ['running', 'Running'],
    ['success', 'Success'],
    ['failed', 'Failed'],
    ['stuck', 'Stuck'],
    ['revoked', 'Revoked'],
    ['retrying', 'Retrying'],
  ])('shows %s as "%s" with its own colour class', (status, text) => {
    render(<StatusBadge status={status} />)
    const badge = screen.getByTestId('status-badge')
    expect(badge.textContent).toBe(text)
    expect(badge.className).toContain(`status-${status}`)
    expect(badge.dataset.status).toBe(status)
  })

  it('has a text for every status of the contract', () => {
    for (const status of EXECUTION_STATUSES) {
      expect(label('status', status)).not.toBe(status)
    }
  })

  it('shows a status it does not know by its name, in the neutral colour', () => {
    render(<StatusBadge status="archived" />)
    const badge = screen.getByTestId('status-badge')
    expect(badge.textContent).toBe('archived')
    expect(badge.className).toBe('badge status-archived')
  })
})
