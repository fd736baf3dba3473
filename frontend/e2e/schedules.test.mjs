import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ADMIN_API, APP_PATH, account, callApi, openBrowser, signIn, step } from './support.mjs'

const NAME = 'e2e-every-minute'
const BUILT_IN = ['background-tasks-sweep-stuck', 'background-tasks-purge-old']

function scheduleRow(page, name) {
  return page.locator(`[data-testid="schedule-row"][data-name="${name}"]`)
}

/** Removes what an earlier, interrupted run of this file left behind. */
async function deleteLeftover(page) {
  const answer = await callApi(page, 'GET', `${ADMIN_API}/schedules`)
  assert.equal(answer.status, 200)
  for (const schedule of answer.body.items.filter((item) => item.name === NAME)) {
    await callApi(page, 'DELETE', `${ADMIN_API}/schedules/${schedule.id}`)
  }
}

async function waitForPreview(page) {
  const items = page.locator('[data-testid="schedule-preview"] li')
  await items.nth(4).waitFor()
  assert.equal(await items.count(), 5)
  return items
}

describe('an admin managing schedules', { timeout: 180_000 }, () => {
  const session = openBrowser()

  test('opens the schedules and sees the built-in ones, which cannot be edited', async () => {
    const { page } = session
    await step(page, 'schedules-list', async () => {
      await signIn(page, account('ADMIN'))
      await deleteLeftover(page)
      await page.getByTestId('nav-schedules').click()
      await page.waitForURL(`**${APP_PATH}/schedules`)
      await page.getByTestId('schedules-table').waitFor()
      for (const name of BUILT_IN) {
        const row = scheduleRow(page, name)
        await row.waitFor()
        await row.getByTestId('schedule-locked').waitFor()
        assert.equal(await row.getByTestId('schedule-edit').count(), 0)
        assert.equal(await row.getByTestId('schedule-delete').count(), 0)
      }
    })
  })

  test('creates a cron schedule, checking the expression while typing', async () => {
    const { page } = session
    await step(page, 'schedules-create', async () => {
      await page.getByTestId('schedule-create').click()
      const form = page.getByTestId('schedule-form')
      await form.waitFor()
      await page.getByTestId('schedule-name').fill(NAME)
      await page.getByTestId('schedule-task').fill('examples.noop')
      await page.getByTestId('schedule-kind').selectOption('cron')
      await page.getByTestId('schedule-timezone').fill('America/New_York')
      await page.getByTestId('schedule-cron').fill('*/1 * * * *')
      const items = await waitForPreview(page)
      assert.match(await items.first().textContent(), /GMT-[45]$/)

      await page.getByTestId('schedule-cron').fill('61 * * * *')
      assert.match(await page.getByTestId('schedule-error').textContent(), /field 1\b/)
      assert.equal(await page.getByTestId('schedule-preview').count(), 0)

      await page.getByTestId('schedule-cron').fill('*/1 * * * *')
      await page.getByTestId('schedule-error').waitFor({ state: 'detached' })
      await waitForPreview(page)
      await page.getByTestId('schedule-save').click()
      await form.waitFor({ state: 'detached' })

      const row = scheduleRow(page, NAME)
      await row.waitFor()
      assert.equal(await row.getAttribute('data-source'), 'api')
      assert.equal(await row.getAttribute('data-enabled'), 'true')
      assert.equal(await row.getByTestId('schedule-summary').textContent(), 'Cron */1 * * * *')
    })
  })

  test('runs it now and is shown the new execution', async () => {
    const { page } = session
    await step(page, 'schedules-run', async () => {
      await scheduleRow(page, NAME).getByTestId('schedule-run').click()
      const link = page.getByTestId('toast-link')
      await link.waitFor()
      const executionId = (await link.getAttribute('href')).split('/').pop()
      assert.equal((await callApi(page, 'GET', `/api/background_tasks/tasks/${executionId}`)).status, 200)
    })
  })

  test('disables it with the toggle', async () => {
    const { page } = session
    await step(page, 'schedules-disable', async () => {
      await scheduleRow(page, NAME).getByTestId('schedule-enabled').click()
      await page.locator(`[data-testid="schedule-row"][data-name="${NAME}"][data-enabled="false"]`).waitFor()
    })
  })

  test('deletes it through the confirm dialog', async () => {
    const { page } = session
    await step(page, 'schedules-delete', async () => {
      await scheduleRow(page, NAME).getByTestId('schedule-delete').click()
      await page.getByTestId('delete-schedule-dialog').waitFor()
      await page.getByTestId('delete-schedule-confirm').click()
      await scheduleRow(page, NAME).waitFor({ state: 'detached' })
      const answer = await callApi(page, 'GET', `${ADMIN_API}/schedules`)
      assert.equal(answer.body.items.filter((item) => item.name === NAME).length, 0)
    })
  })
})

describe('a viewer looking at schedules', { timeout: 60_000 }, () => {
  const session = openBrowser()

  test('sees the table but nothing that changes a schedule', async () => {
    const { page } = session
    await step(page, 'schedules-viewer', async () => {
      await signIn(page, account('VIEWER'))
      await page.getByTestId('nav-schedules').click()
      await page.getByTestId('schedules-table').waitFor()
      await scheduleRow(page, BUILT_IN[0]).waitFor()
      assert.equal(await page.getByTestId('schedule-create').count(), 0)
      assert.equal(await page.getByTestId('schedule-enabled').count(), 0)
      assert.equal(await page.getByTestId('schedule-run').count(), 0)
    })
  })
})
