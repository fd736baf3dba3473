import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { sessionKeys } from '../features/session/queries'
import { LiveStream } from './LiveStream'

/** The browser's EventSource, as far as the stream uses it: the test closes it as the server would. */
class ClosingEventSource {
  static readonly CLOSED = 2
  static last: ClosingEventSource | null = null
  readyState = 0
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null

  constructor() {
    ClosingEventSource.last = this
  }

  addEventListener() {}

  close() {
    this.readyState = ClosingEventSource.CLOSED
  }
}

describe('LiveStream', () => {
  it('asks who the user is when the server ends the stream, so that an ended session goes to the login', () => {
    vi.stubGlobal('EventSource', ClosingEventSource)
    const client = new QueryClient()
    const invalidate = vi.spyOn(client, 'invalidateQueries')
    render(
      <QueryClientProvider client={client}>
        <LiveStream>
          <p>page</p>
        </LiveStream>
      </QueryClientProvider>,
    )
    const stream = ClosingEventSource.last!
    act(() => {
      stream.readyState = ClosingEventSource.CLOSED
      stream.onerror?.()
    })
    expect(invalidate).toHaveBeenCalledWith({ queryKey: sessionKeys.me })
  })
})
