import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  ADMIN_API,
  APP_PATH,
  account,
  callApi,
  dispatch,
  launchBrowser,
  newPage,
  signIn,
  step,
  waitForStatus,
} from './support.mjs'

describe('a viewer', { timeout: 180_000 }, () => {
  let browser
  let page
  let failedId

  before(async () => {
    browser = await launchBrowser()
    const admin = await newPage(browser)
    await signIn(admin, account('ADMIN'))
    failedId = await dispatch(admin, 'examples.fail', ['e2e viewer'])
    await waitForStatus(admin, failedId, 'failed')
    await admin.context().close()
    page = await newPage(browser)
  })

  after(() => browser?.close())

  test('signs in without the administration links', async () => {
    await step(page, 'viewer-login', async () => {
      await signIn(page, account('VIEWER'))
      assert.equal(await page.getByTestId('nav-users').count(), 0)
      assert.equal(await page.getByTestId('nav-audit').count(), 0)
    })
  })

  test('sees a failed execution without a Retry button', async () => {
    await step(page, 'viewer-detail', async () => {
      await page.goto(`${APP_PATH}/${failedId}`)
      await page.getByTestId('detail-traceback').waitFor()
      assert.equal(await page.getByTestId('retry-button').count(), 0)
      assert.equal(await page.getByTestId('revoke-button').count(), 0)
    })
  })

  test('is refused a retry through the API', async () => {
    const answer = await callApi(page, 'POST', `${ADMIN_API}/executions/${failedId}/retry`)
    assert.equal(answer.status, 403)
  })
})
