import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
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

/** A queue only this spec uses (BrowserTest's worker consumes it), so pausing it holds up no other spec. */
const QUEUE = 'e2e-pausable'

/** Long enough for an idle worker to have polled the queue a few times (it polls every second at the most). */
const IDLE_WORKER_POLLS_MS = 4_000

function queueRow(page) {
  return page.locator(`[data-testid="queue-row"][data-name="${QUEUE}"]`)
}

/** Waits until the polled list shows the queue with `count` waiting executions. */
function waitForWaiting(page, count) {
  return page.locator(`[data-testid="queue-row"][data-name="${QUEUE}"][data-waiting="${count}"]`).waitFor()
}

/** Opens the action's dialog on the queue's row, checks the count it names and confirms it. */
async function confirmAction(page, action, text) {
  await queueRow(page).getByTestId(`queue-${action}`).click()
  const dialog = page.getByTestId(`queue-${action}-dialog`)
  assert.match(await dialog.textContent(), text)
  await page.getByTestId(`queue-${action}-confirm`).click()
  await dialog.waitFor({ state: 'detached' })
}

async function audited(page, action) {
  const answer = await callApi(page, 'GET', `${ADMIN_API}/audit?action=${action}&target=${QUEUE}`)
  assert.equal(answer.status, 200)
  return answer.body.items.length
}

describe('pausing, resuming and purging a queue', { timeout: 180_000 }, () => {
  const session = openBrowser()

  test('a paused queue is marked on the queues page and the overview, and runs nothing dispatched to it', async () => {
    const { page } = session
    await step(page, 'queue-pause', async () => {
      await signIn(page, account('ADMIN'))
      // The first dispatch makes the queue known, so the page lists it.
      await waitForStatus(page, await dispatch(page, 'examples.noop', [], { queue: QUEUE }), 'success')
      await page.goto(`${APP_PATH}/queues`)
      await waitForWaiting(page, 0)
      await confirmAction(page, 'pause', /Waiting now: 0\./)
      await queueRow(page).getByTestId('queue-paused').waitFor()
      await queueRow(page).getByTestId('queue-resume').waitFor()
      assert.equal(await audited(page, 'pause_queue'), 1)

      const held = await dispatch(page, 'examples.noop', [], { queue: QUEUE })
      await page.waitForTimeout(IDLE_WORKER_POLLS_MS)
      const detail = await callApi(page, 'GET', `${ADMIN_API}/executions/${held}`)
      assert.equal(detail.body.status, 'pending', 'a task of a paused queue ran')

      await page.goto(`${APP_PATH}/overview`)
      await page.locator(`[data-testid="overview-queue-row"][data-name="${QUEUE}"] [data-testid="queue-paused"]`).waitFor()
      session.held = held
    })
  })

  test('resuming the queue runs what waited', async () => {
    const { page } = session
    await step(page, 'queue-resume', async () => {
      await page.goto(`${APP_PATH}/queues`)
      await waitForWaiting(page, 1)
      await confirmAction(page, 'resume', /Waiting now: 1\./)
      await waitForStatus(page, session.held, 'success')
      await queueRow(page).getByTestId('queue-pause').waitFor()
      assert.equal(await queueRow(page).getByTestId('queue-paused').count(), 0)
      assert.equal(await audited(page, 'resume_queue'), 1)
    })
  })

  test('purging revokes the waiting executions with reason purged', async () => {
    const { page } = session
    await step(page, 'queue-purge', async () => {
      await waitForWaiting(page, 0)
      await confirmAction(page, 'pause', /Waiting now: 0\./)
      const waiting = [
        await dispatch(page, 'examples.noop', [], { queue: QUEUE }),
        await dispatch(page, 'examples.noop', [], { queue: QUEUE, countdown: 3600 }),
      ]
      await waitForWaiting(page, 2)
      await confirmAction(page, 'purge', /ready, delayed or held by a limit \(2 now\)/)
      await page.getByText(`Queue ${QUEUE} purged: 2 revoked.`).waitFor()
      for (const id of waiting) {
        const revoked = await waitForStatus(page, id, 'revoked')
        assert.equal(revoked.revoke_reason, 'purged')
      }
      assert.equal(await audited(page, 'purge_queue'), 1)
      await waitForWaiting(page, 0)
      await confirmAction(page, 'resume', /Waiting now: 0\./)
    })
  })

  test('a viewer sees the queue without any of the actions', async () => {
    const viewer = await newPage(session.browser)
    await step(viewer, 'queue-viewer', async () => {
      await signIn(viewer, account('VIEWER'))
      await viewer.goto(`${APP_PATH}/queues`)
      await queueRow(viewer).waitFor()
      for (const action of ['pause', 'resume', 'purge']) {
        assert.equal(await viewer.getByTestId(`queue-${action}`).count(), 0)
      }
    })
  })
})
