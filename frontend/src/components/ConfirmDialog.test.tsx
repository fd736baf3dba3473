import { fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { ConfirmDialog } from './ConfirmDialog'

function Page({ onConfirm = () => {} }: { onConfirm?: () => void }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" data-testid="opener" onClick={() => setOpen(true)}>
        open
      </button>
      <button type="button" data-testid="behind">
        behind
      </button>
      {open && (
        <ConfirmDialog
          testId="ask"
          title="Sure?"
          message="It cannot be undone."
          confirmLabel="Yes"
          cancelLabel="No"
          onConfirm={onConfirm}
          onCancel={() => setOpen(false)}
        />
      )}
    </>
  )
}

function open() {
  const opener = screen.getByTestId('opener')
  opener.focus()
  fireEvent.click(opener)
}

describe('ConfirmDialog', () => {
  it('starts on Cancel and keeps Tab and Shift+Tab inside', () => {
    render(<Page />)
    open()
    expect(document.activeElement).toBe(screen.getByTestId('ask-cancel'))
    screen.getByTestId('ask-confirm').focus()
    fireEvent.keyDown(document.activeElement!, { key: 'Tab' })
    expect(document.activeElement).toBe(screen.getByTestId('ask-cancel'))
    fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(screen.getByTestId('ask-confirm'))
  })

  it('brings focus back inside when it was lost to the page', () => {
    render(<Page />)
    open()
    screen.getByTestId('behind').focus()
    fireEvent.keyDown(document.activeElement!, { key: 'Tab' })
    expect(document.activeElement).toBe(screen.getByTestId('ask-cancel'))
  })

  it('closes on Escape even with focus on the body, and gives focus back to its opener', () => {
    render(<Page />)
    open()
    ;(document.activeElement as HTMLElement).blur()
    fireEvent.keyDown(document.body, { key: 'Escape' })
    expect(screen.queryByTestId('ask-dialog')).toBeNull()
    expect(document.activeElement).toBe(screen.getByTestId('opener'))
  })

  it('closes on a click on the backdrop, not on one inside the dialog', () => {
    const confirm = vi.fn()
    render(<Page onConfirm={confirm} />)
    open()
    fireEvent.mouseDown(screen.getByTestId('ask-dialog'))
    expect(screen.getByTestId('ask-dialog')).toBeTruthy()
    fireEvent.mouseDown(screen.getByTestId('ask-backdrop'))
    expect(screen.queryByTestId('ask-dialog')).toBeNull()
    expect(confirm).not.toHaveBeenCalled()
  })
})
