import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import {
  ADMIN_API,
  APP_PATH,
  account,
  callApi,
  dispatch,
  newPage,
  openBrowser,
  signIn,
  step,
  waitForStatus,
} from './support.mjs'

describe('a viewer', { timeout: 180_000 }, () => {
  const session = openBrowser()
  let failedId

  before(async () => {
    const admin = await newPage(session.browser)
    await signIn(admin, account('ADMIN'))
    failedId = await dispatch(admin, 'examples.fail', ['e2e viewer'])
    await waitForStatus(admin, failedId, 'failed')
    await admin.context().close()
  })

  test('signs in without the administration links', async () => {
    const { page } = session
    await step(page, 'viewer-login', async () => {
      await signIn(page, account('VIEWER'))
      assert.equal(await page.getByTestId('nav-users').count(), 0)
      assert.equal(await page.getByTestId('nav-audit').count(), 0)
    })
  })

  test('sees a failed execution without a Retry button', async () => {
    const { page } = session
    await step(page, 'viewer-detail', async () => {
      await page.goto(`${APP_PATH}/${failedId}`)
      await page.getByTestId('detail-traceback').waitFor()
      assert.equal(await page.getByTestId('retry-button').count(), 0)
      assert.equal(await page.getByTestId('revoke-button').count(), 0)
    })
  })

  test('reads the stored settings without a form to change them', async () => {
    const { page } = session
    await step(page, 'viewer-settings', async () => {
      await page.getByTestId('nav-settings').click()
      await page.getByTestId('settings-read-only').waitFor()
      assert.equal(await page.getByTestId('setting-text-task_default_queue').count(), 1)
      assert.equal(await page.locator('[data-testid="settings-table"] form').count(), 0)
    })
  })

  test('is refused a retry through the API', async () => {
    const { page } = session
    const answer = await callApi(page, 'POST', `${ADMIN_API}/executions/${failedId}/retry`)
    assert.equal(answer.status, 403)
  })
})
