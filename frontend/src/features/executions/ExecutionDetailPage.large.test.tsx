import { act, screen } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import * as format from '../../format'
import { mockFetch } from '../../test/fetchMock'
import { FAILED_ID, detail } from '../../test/fixtures'
import { OPERATOR, renderPage } from '../../test/render'
import { ExecutionDetailPage } from './ExecutionDetailPage'

vi.mock('../../format', async (original) => {
  const actual = await original<typeof format>()
  return { ...actual, formatJson: vi.fn(actual.formatJson) }
})

const DETAIL = `GET /api/background_tasks/admin/executions/${FAILED_ID}`

describe('ExecutionDetailPage with large arguments and result', () => {
  it('pretty-prints them once, not again at every tick of the page clock', async () => {
    // About 1.9 MB of JSON each (the payload limit is 1 MiB per value by default, configurable upwards).
    const big = Array.from({ length: 60_000 }, (_, i) => ({ id: i, name: `item${i}` }))
    mockFetch({ [DETAIL]: { body: detail({ args: big, result: big }) } })
    renderPage(<ExecutionDetailPage />, { me: OPERATOR, path: '/:executionId', at: `/${FAILED_ID}` })
    await screen.findByTestId('detail-args')
    const formatJson = vi.mocked(format.formatJson)
    const afterFirstRender = formatJson.mock.calls.length

    const started = performance.now()
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 3_500))
    })
    const elapsed = performance.now() - started

    // Nothing changed (no push, no refetch): the clock's ticks re-render durations and relative times only.
    expect({ extraCalls: formatJson.mock.calls.length - afterFirstRender, elapsed: Math.round(elapsed) }).toEqual({
      extraCalls: 0,
      elapsed: expect.any(Number),
    })
  }, 30_000)
})
