import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  ADMIN_API,
  APP_PATH,
  EXECUTION_TIMEOUT_MS,
  account,
  callApi,
  dispatch,
  openBrowser,
  seriousViolations,
  signIn,
  step,
} from './support.mjs'

const FAILURES = 50

/** Polls the API until `check` holds for its answer to `path`, or the execution timeout passes. */
async function waitUntil(page, path, what, check) {
  const deadline = Date.now() + EXECUTION_TIMEOUT_MS
  for (;;) {
    const answer = await callApi(page, 'GET', path)
    if (answer.status === 200 && check(answer.body)) {
      return answer.body
    }
    assert.ok(Date.now() < deadline, `${what}: ${JSON.stringify(answer.body).slice(0, 500)}`)
    await page.waitForTimeout(500)
  }
}

describe('an operator on the Dead list', { timeout: 240_000 }, () => {
  const session = openBrowser()
  const marker = `e2e-dead-${Date.now()}`
  const failed = []
  const dead = `${ADMIN_API}/executions?list=dead&args=${marker}&per_page=1`

  test(`sees ${FAILURES} failures of one search there`, async () => {
    const { page } = session
    await signIn(page, account('ADMIN'))
    for (let i = 0; i < FAILURES; i++) {
      failed.push(await dispatch(page, 'examples.fail', [marker]))
    }
    await waitUntil(page, dead, `${FAILURES} failures in the Dead list`, (body) => body.total === FAILURES)
    await step(page, 'lists-dead', async () => {
      await page.goto(`${APP_PATH}/?list=dead&args=${marker}`)
      await page.getByTestId('execution-row').first().waitFor()
      assert.equal(await page.getByTestId('list-dead').getAttribute('aria-current'), 'page')
      assert.deepEqual(await seriousViolations(page), [])
    })
  })

  test('retries all of them once though Retry all matching is clicked twice', async () => {
    const { page } = session
    await step(page, 'lists-bulk-retry', async () => {
      await page.getByTestId('bulk-retry-all').click()
      const dialog = page.getByTestId('bulk-dialog')
      assert.equal(await dialog.getByRole('heading').textContent(), `Retry ${FAILURES} executions?`)
      assert.deepEqual(await seriousViolations(page), [])
      await page.getByTestId('bulk-confirm').click()
      await page.getByText(`${FAILURES} retried.`).waitFor()

      // The second click: the history may not show the retries yet, so the server may still count them; confirmed
      // again, it retries none of them a second time.
      await page.getByTestId('bulk-retry-all').click()
      const again = await Promise.race([
        page.getByTestId('bulk-dialog').waitFor().then(() => 'dialog'),
        page.getByText('Nothing matches, so there is nothing to do.').waitFor().then(() => 'nothing'),
      ])
      if (again === 'dialog') {
        await page.getByTestId('bulk-confirm').click()
        await page.getByText('0 retried.').waitFor()
      }
    })
    for (const id of failed) {
      const original = await waitUntil(page, `${ADMIN_API}/executions/${id}`, `${id} lists its retry`,
        (body) => body.retried_by.length > 0)
      assert.equal(original.retried_by.length, 1, `${id} was retried ${original.retried_by.length} times`)
    }
    await waitUntil(page, dead, 'the retried failures leave the Dead list', (body) => body.total === 0)
    await step(page, 'lists-dead-empty', async () => {
      await page.getByTestId('executions-empty').waitFor({ timeout: EXECUTION_TIMEOUT_MS })
    })
  })
})
