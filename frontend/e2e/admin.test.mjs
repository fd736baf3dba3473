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

  test('signs in and lands on the execution list', async () => {
    const { page } = session
    await step(page, 'admin-login', async () => {
      await signIn(page, account('ADMIN'))
      await page.getByTestId('nav-users').waitFor()
    })
  })

  test('dispatches a flaky and a failing task', async () => {
    const { page } = session
    flakyId = await dispatch(page, 'examples.flaky', ['e2e', 1])
    failedId = await dispatch(page, 'examples.fail', ['e2e boom'])
  })

  test('finds the failed execution through the filters and reads its traceback', async () => {
    const { page } = session
    await step(page, 'admin-find-failed', async () => {
      await page.getByTestId('nav-executions').click()
      await page.getByTestId('filter-status').selectOption('failed')
      await page.getByTestId('filter-task').fill('examples.fail')
      await page.getByTestId('filter-task').press('Enter')
      const row = page.locator(`[data-testid="execution-row"][data-id="${failedId}"]`)
      await row.waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      assert.equal(await row.getAttribute('data-status'), 'failed')
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
      const retried = page.getByTestId('execution-detail')
      const retriedId = await retried.getAttribute('data-id')
      assert.notEqual(retriedId, failedId)
      assert.ok((await page.getByTestId('retried-from-link').getAttribute('href')).endsWith(`/${failedId}`))

      const answer = await callApi(page, 'GET', `${ADMIN_API}/executions/${retriedId}`)
      assert.equal(answer.status, 200)
      assert.equal(answer.body.retried_from_id, failedId)

      await page.getByTestId('retried-from-link').click()
      await page.locator(`[data-testid="retried-by-link"][href$="/${retriedId}"]`).waitFor()
    })
  })

  test('sees the flaky task succeed after one automatic retry', async () => {
    const { page } = session
    await step(page, 'admin-flaky', async () => {
      await page.goto(`${APP_PATH}/${flakyId}`)
      await page
        .locator('[data-testid="execution-detail"][data-status="success"]')
        .waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      await page.locator('[data-testid="timeline-event"][data-event="retrying"]').waitFor()
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
