import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import {
  ADMIN_API,
  ADMIN_PAGES,
  APP_PATH,
  account,
  callApi,
  dispatch,
  newPage,
  openBrowser,
  openSettled,
  PAGES,
  seriousViolations,
  sidewaysOverflow,
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
      // The notice shows at once, the table once the settings have loaded: wait for the row, not the notice.
      await page.getByTestId('setting-text-task_default_queue').waitFor()
      assert.equal(await page.getByTestId('setting-text-task_default_queue').count(), 1)
      assert.equal(await page.locator('[data-testid="settings-table"] form').count(), 0)
    })
  })

  test('every page a viewer opens fits 390 px and has no serious or critical axe-core violation', async () => {
    const { page } = session
    const pages = [...PAGES.filter((path) => !ADMIN_PAGES.includes(path)), `/${failedId}`]
    for (const path of pages) {
      await step(page, `viewer-sweep${path.replaceAll('/', '-')}`, async () => {
        await page.setViewportSize({ width: 390, height: 844 })
        await openSettled(page, path)
        assert.equal(await sidewaysOverflow(page), 0, `${path} scrolls sideways at 390 px for a viewer`)
        await page.setViewportSize({ width: 1440, height: 900 })
        const violations = await seriousViolations(page)
        assert.deepEqual(violations, [], `viewer ${path}: ${JSON.stringify(violations, null, 1)}`)
      })
    }
  })

  test('is refused a retry through the API', async () => {
    const { page } = session
    const answer = await callApi(page, 'POST', `${ADMIN_API}/executions/${failedId}/retry`)
    assert.equal(answer.status, 403)
  })
})
