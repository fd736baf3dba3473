import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  APP_PATH,
  EXECUTION_TIMEOUT_MS,
  account,
  callApi,
  openBrowser,
  seriousViolations,
  sidewaysOverflow,
  signIn,
  step,
} from './support.mjs'

/** Raises the flag examples.fail_until waits for: a file under the temporary directory the worker shares. */
function raiseFlag(flag) {
  mkdirSync(join(tmpdir(), 'chard-flags'), { recursive: true })
  writeFileSync(join(tmpdir(), 'chard-flags', flag), 'raised')
}

describe('a workflow', { timeout: 180_000 }, () => {
  const session = openBrowser()
  const flag = `e2e-redrive-${Date.now()}`
  let workflowId

  test('an admin dispatches a chain whose third step fails until a flag is raised', async () => {
    const { page } = session
    await signIn(page, account('ADMIN'))
    const answer = await callApi(page, 'POST', '/api/background_tasks/workflows', {
      chain: [
        { task: 'examples.add', args: [1, 1] },
        { task: 'examples.add', args: [10] },
        { task: 'examples.fail_until', args: [flag] },
        { task: 'examples.add', args: [5] },
      ],
    })
    assert.equal(answer.status, 202, JSON.stringify(answer.body))
    workflowId = answer.body.id
  })

  test('its page shows the tree turn failed without a reload, the failing step highlighted', async () => {
    const { page } = session
    await step(page, 'workflow-failed', async () => {
      await page.goto(`${APP_PATH}/workflows/${workflowId}`)
      await page.locator(`[data-testid="workflow"][data-id="${workflowId}"]`).waitFor()
      await page.locator('[data-testid="workflow"][data-status="failed"]').waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      const statuses = await page.getByTestId('workflow-member').evaluateAll((rows) => rows.map((r) => r.dataset.status))
      assert.deepEqual(statuses, ['success', 'success', 'failed', 'cancelled'])
      assert.equal(await page.locator('[data-testid="workflow-member"][data-failing="true"]').count(), 1)
    })
  })

  test('its page has no serious or critical axe-core violation, light and dark, and fits a phone', async () => {
    const { page } = session
    await step(page, 'workflow-quality', async () => {
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme })
        assert.deepEqual(await seriousViolations(page), [], `${scheme} workflow page`)
      }
      await page.emulateMedia({ colorScheme: 'light' })
      const desktop = page.viewportSize()
      await page.setViewportSize({ width: 390, height: 844 })
      assert.equal(await sidewaysOverflow(page), 0, 'the workflow page scrolls sideways at 390 px')
      await page.setViewportSize(desktop)
    })
  })

  test('once the flag is raised, its redrive re-runs the failed step and the one after it and succeeds', async () => {
    const { page } = session
    raiseFlag(flag)
    await step(page, 'workflow-redrive', async () => {
      await page.getByTestId('redrive-button').click()
      await page.getByTestId('redrive-confirm').click()
      await page.waitForURL((url) => url.pathname.startsWith(`${APP_PATH}/workflows/`) && !url.pathname.endsWith(workflowId))
      await page.locator('[data-testid="workflow"][data-status="success"]').waitFor({ timeout: EXECUTION_TIMEOUT_MS })
      assert.equal(await page.getByTestId('redrive-of').textContent(), workflowId)
      const statuses = await page.getByTestId('workflow-member').evaluateAll((rows) => rows.map((r) => r.dataset.status))
      assert.deepEqual(statuses, ['success', 'success', 'success', 'success'])
    })
  })
})
