import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ADMIN_API, APP_PATH, EXECUTION_TIMEOUT_MS, account, dispatch, openBrowser, signIn, step } from './support.mjs'

describe('the executions list, live over the event stream', { timeout: 180_000 }, () => {
  const session = openBrowser()

  test('shows a new execution and its end without a reload and without polling', async () => {
    const { page } = session
    await signIn(page, account('ADMIN'))
    await step(page, 'live-update', async () => {
      await page.goto(`${APP_PATH}/?task_name=examples.sleep`)
      await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor()
      const listRequests = []
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === `${ADMIN_API}/executions`) {
          listRequests.push(Date.now())
        }
      })
      let navigations = 0
      page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++)

      await page.waitForTimeout(5_000)
      assert.deepEqual(listRequests, [], 'nothing changed, so nothing was asked: the list does not poll')

      const id = await dispatch(page, 'examples.sleep', [1])
      const row = page.locator(`[data-testid="execution-row"][data-id="${id}"]`)
      await row.waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      await page
        .locator(`[data-testid="execution-row"][data-id="${id}"][data-status="success"]`)
        .waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      assert.equal(navigations, 0, 'no reload')
      assert.ok(listRequests.length <= 4, `only changes made the list ask again: ${listRequests.length} requests`)
    })
  })

  test('says when it is offline, and comes back by itself', async () => {
    const { page } = session
    await step(page, 'live-offline', async () => {
      await page.context().setOffline(true)
      await page.getByTestId('offline-banner').waitFor()
      assert.equal(await page.getByTestId('connection-indicator').getAttribute('data-state'), 'offline')
      await page.context().setOffline(false)
      await page.locator('[data-testid="connection-indicator"][data-state="live"]').waitFor({ timeout: 20_000 })
      await page.getByTestId('offline-banner').waitFor({ state: 'detached' })
    })
  })
})
