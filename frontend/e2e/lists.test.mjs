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
    // examples.fail fails again: the Dead list ends up holding the 50 retries, one per original, and no original.
    const retried = new Set(failed)
    await waitUntil(page, `${dead.replace('per_page=1', 'per_page=200')}`, 'the retries, not the originals, are dead',
      (body) => body.total === FAILURES && body.items.every((item) => !retried.has(item.id)))
    await step(page, 'lists-dead-retries', async () => {
      await page.reload()
      await page.getByTestId('execution-row').first().waitFor()
      const shown = await page.getByTestId('execution-row').evaluateAll((rows) => rows.map((row) => row.dataset.id))
      assert.equal(shown.length, FAILURES)
      assert.ok(shown.every((id) => !retried.has(id)), 'a retried original left the Dead list')
    })
  })
})

describe('a reader walking the Scheduled list while executions are scheduled', { timeout: 180_000 }, () => {
  const session = openBrowser()
  const marker = `e2e-walk-${Date.now()}`
  const scheduled = `${ADMIN_API}/executions?list=scheduled&args=${marker}&per_page=1`
  const schedule = () => dispatch(session.page, 'examples.fail', [marker], { queue: 'e2e-walk', countdown: 3600 })
  const shownIds = (page) =>
    page.getByTestId('execution-row').evaluateAll((rows) => rows.map((row) => row.dataset.id))

  /** Clicks `button` and waits until the rows shown are others than `before`; answers them. */
  async function turn(page, button, before) {
    await page.getByTestId(button).click()
    await page.waitForFunction((ids) => {
      const rows = [...document.querySelectorAll('[data-testid="execution-row"]')]
      return rows.length > 0 && !ids.includes(rows[0].dataset.id)
    }, before)
    return shownIds(page)
  }

  test('sees each execution once, though ten more arrive before the last page', async () => {
    const { page } = session
    await signIn(page, account('ADMIN'))
    const first = new Set()
    for (let i = 0; i < 45; i++) {
      first.add(await schedule())
    }
    await waitUntil(page, scheduled, '45 scheduled', (body) => body.total === 45)
    await step(page, 'lists-cursor-walk', async () => {
      await page.goto(`${APP_PATH}/?list=scheduled&args=${marker}&per_page=20`)
      await page.getByTestId('execution-row').first().waitFor()
      const one = await shownIds(page)
      const two = await turn(page, 'page-next', one)
      assert.match(page.url(), /cursor=/)
      await page.getByTestId('page-info').filter({ hasText: 'Page 2 of 3' }).waitFor()

      for (let i = 0; i < 10; i++) {
        await schedule()
      }
      await waitUntil(page, scheduled, '55 scheduled', (body) => body.total === 55)
      const three = await turn(page, 'page-next', two)
      // By number the third page would now start ten rows earlier and show ten rows of the second again.
      const seen = [...one, ...two, ...three]
      assert.equal(seen.length, 45)
      assert.equal(new Set(seen).size, 45)
      assert.ok(seen.every((id) => first.has(id)), 'the walk showed an execution scheduled after it started')

      assert.deepEqual(await turn(page, 'page-previous', three), two)
    })
  })
})
