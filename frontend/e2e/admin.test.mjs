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
  signIn,
  step,
} from './support.mjs'

describe('an admin', { timeout: 180_000 }, () => {
  const session = openBrowser()
  let failedId
  let flakyId
  const flakyKey = `e2e-flaky-${Date.now()}`

  test('signs in and lands on the execution list', async () => {
    const { page } = session
    await step(page, 'admin-login', async () => {
      await signIn(page, account('ADMIN'))
      await page.getByTestId('nav-users').waitFor()
    })
  })

  test('dispatches a flaky and a failing task', async () => {
    const { page } = session
    flakyId = await dispatch(page, 'examples.flaky', [flakyKey, 2])
    failedId = await dispatch(page, 'examples.fail', ['e2e boom'])
  })

  test('finds the failed execution through the filters and reads its traceback', async () => {
    const { page } = session
    await step(page, 'admin-find-failed', async () => {
      await page.getByTestId('nav-executions').click()
      await page.getByTestId('filter-status').selectOption('failed')
      await page.getByTestId('filter-task').fill('examples.fail')
      await page.getByTestId('filter-task').press('Enter')
      // The unfiltered list stays on screen until the filtered one answers, and there the row may still be
      // pending: wait for the row as failed, which only the history's end of the execution can show.
      const row = page.locator(`[data-testid="execution-row"][data-id="${failedId}"][data-status="failed"]`)
      await row.waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      await row.getByTestId('execution-link').click()
      await page.waitForURL(`**${APP_PATH}/${failedId}`)
      assert.match(await page.getByTestId('detail-traceback').textContent(), /e2e boom/)
    })
  })

  test('retries it through the confirm dialog and sees the new execution', async () => {
    const { page } = session
    await step(page, 'admin-retry', async () => {
      await page.getByTestId('retry-button').click()
      await page.getByTestId('retry-dialog').waitFor()
      await page.getByTestId('retry-confirm').click()
      await page.waitForURL((url) => url.pathname.startsWith(`${APP_PATH}/`) && !url.pathname.endsWith(failedId))
      // The address changes before the new execution's detail has loaded: wait for the detail itself.
      const retried = page.locator(`[data-testid="execution-detail"]:not([data-id="${failedId}"])`)
      await retried.waitFor()
      const retriedId = await retried.getAttribute('data-id')
      assert.ok(retriedId)
      assert.ok((await page.getByTestId('retried-from-link').getAttribute('href')).endsWith(`/${failedId}`))

      const answer = await callApi(page, 'GET', `${ADMIN_API}/executions/${retriedId}`)
      assert.equal(answer.status, 200)
      assert.equal(answer.body.retried_from_id, failedId)

      await page.getByTestId('retried-from-link').click()
      await page.locator(`[data-testid="retried-by-link"][href$="/${retriedId}"]`).waitFor()
    })
  })

  test('finds the flaky execution by a value in its arguments, and the search stays in the address', async () => {
    const { page } = session
    await step(page, 'admin-search-args', async () => {
      await page.goto(`${APP_PATH}/`)
      await page.getByTestId('filter-more').click()
      await page.getByTestId('filter-args').fill(flakyKey)
      await page.getByTestId('filter-apply').click()
      await page.waitForURL((url) => url.searchParams.get('args') === flakyKey)
      const row = page.locator(`[data-testid="execution-row"][data-id="${flakyId}"]`)
      // The previous (unfiltered) page stays on screen until the search answers: wait for the search's page.
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="execution-row"]').length === 1)
      await row.waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      assert.match(await row.getByTestId('execution-args').textContent(), new RegExp(flakyKey))
      await page.reload()
      await row.waitFor()
      assert.equal(await page.getByTestId('filter-args').inputValue(), flakyKey)
    })
  })

  test('sees the flaky task succeed after two automatic retries, with its attempts and no error card', async () => {
    const { page } = session
    await step(page, 'admin-flaky', async () => {
      await page.goto(`${APP_PATH}/${flakyId}`)
      await page
        .locator('[data-testid="execution-detail"][data-status="success"]')
        .waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      await page.locator('[data-testid="timeline-event"][data-event="retrying"]').first().waitFor()
      const outcomes = await page.getByTestId('attempt').evaluateAll((items) => items.map((i) => i.dataset.outcome))
      assert.deepEqual(outcomes, ['retrying', 'retrying', 'succeeded'])
      assert.match(await page.getByTestId('attempt-error').first().textContent(), /fails on purpose/)
      assert.equal(await page.getByTestId('detail-exception').count(), 0)
      assert.equal(await page.getByTestId('detail-traceback').count(), 0)
      const total = await page.getByTestId('detail-total-duration').textContent()
      assert.match(total, /^\d+\.\d s$/, `two 1-second retries take seconds, not ${total}`)
    })
  })

  test('sees at least one worker on the live dashboard', async () => {
    const { page } = session
    await step(page, 'admin-workers', async () => {
      await page.getByTestId('nav-workers').click()
      await page.getByTestId('workers-table').waitFor()
      assert.ok((await page.getByTestId('worker-row').count()) >= 1)
      assert.equal(await page.getByTestId('broker-banner').count(), 0)
    })
  })
})
