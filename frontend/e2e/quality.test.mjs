import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  APP_PATH,
  account,
  dispatch,
  PAGES,
  newPage,
  openBrowser,
  openSettled,
  seriousViolations,
  sidewaysOverflow,
  signIn,
  step,
  waitForStatus,
} from './support.mjs'

describe('the app on a phone, in the dark, with a keyboard and a screen reader', { timeout: 240_000 }, () => {
  const session = openBrowser()
  let failedId

  test('an admin signs in, and a failed execution exists to look at', async () => {
    const { page } = session
    await signIn(page, account('ADMIN'))
    failedId = await dispatch(page, 'examples.fail', ['quality check'])
    await waitForStatus(page, failedId, 'failed')
  })

  test('no page scrolls sideways at 390 px, and each has its own title', async () => {
    const { page } = session
    await page.setViewportSize({ width: 390, height: 844 })
    const titles = new Set()
    for (const path of [...PAGES, `/${failedId}`]) {
      await step(page, `phone${path.replaceAll('/', '-')}`, async () => {
        await openSettled(page, path)
        assert.equal(await sidewaysOverflow(page), 0, `${path} scrolls sideways at 390 px`)
        titles.add(await page.title())
      })
    }
    assert.equal(titles.size, PAGES.length + 1, `a title per page: ${[...titles].join(' | ')}`)
  })

  test('on a phone the list shows cards and the navbar folds behind Menu', async () => {
    const { page } = session
    await step(page, 'phone-menu', async () => {
      await page.goto(`${APP_PATH}/`)
      await page.getByTestId('execution-row').first().waitFor()
      assert.equal(await page.getByTestId('nav-logout').isVisible(), false)
      await page.getByTestId('nav-menu').click()
      await page.getByTestId('nav-audit').click()
      await page.waitForURL(`**${APP_PATH}/audit`)
      const display = await page.getByTestId('audit-row').first().evaluate((row) => getComputedStyle(row).display)
      assert.equal(display, 'block', 'table rows become cards')
    })
  })

  test('an unknown address shows the app\'s own 404 page', async () => {
    const { page } = session
    await step(page, 'not-found', async () => {
      await page.goto(`${APP_PATH}/queues/default`)
      await page.getByTestId('not-found-page').waitFor()
      await page.getByTestId('navbar').waitFor()
    })
  })

  test('every page has no serious or critical axe-core violation, light and dark', async () => {
    const { page } = session
    await page.setViewportSize({ width: 1440, height: 900 })
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme })
      for (const path of [...PAGES, `/${failedId}`]) {
        await step(page, `axe-${scheme}${path.replaceAll('/', '-')}`, async () => {
          await openSettled(page, path)
          const violations = await seriousViolations(page)
          assert.deepEqual(violations, [], `${scheme} ${path}: ${JSON.stringify(violations, null, 1)}`)
        })
      }
    }
    await page.emulateMedia({ colorScheme: 'light' })
  })

  test('the login page has no serious or critical axe-core violation', async () => {
    const page = await newPage(session.browser)
    await step(page, 'axe-login', async () => {
      await page.goto(`${APP_PATH}/login`)
      await page.getByTestId('login-username').waitFor()
      assert.deepEqual(await seriousViolations(page), [])
      assert.match(await page.title(), /Sign in/)
      await page.setViewportSize({ width: 390, height: 844 })
      assert.equal(await sidewaysOverflow(page), 0, 'the login page scrolls sideways at 390 px')
    })
    await page.context().close()
  })

  test('dark mode follows the system, and the toggle overrides it both ways', async () => {
    const { page } = session
    // The page's background is the root element's (body has none of its own).
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    const isDark = async () => {
      const [r, g, b] = (await background()).match(/\d+/g).map(Number)
      return r + g + b < 3 * 80
    }
    await step(page, 'dark-mode', async () => {
      await page.emulateMedia({ colorScheme: 'dark' })
      await page.goto(`${APP_PATH}/`)
      await page.getByTestId('theme-toggle').waitFor()
      assert.equal(await isDark(), true, 'the system asks for dark')
      await page.getByTestId('theme-toggle').click() // system -> light
      assert.equal(await page.getByTestId('theme-toggle').getAttribute('data-theme-choice'), 'light')
      assert.equal(await isDark(), false, 'light was picked')
      await page.emulateMedia({ colorScheme: 'light' })
      await page.getByTestId('theme-toggle').click() // light -> dark
      assert.equal(await isDark(), true, 'dark was picked on a light system')
      await page.reload()
      await page.getByTestId('theme-toggle').waitFor()
      assert.equal(await isDark(), true, 'the pick is remembered')
      await page.getByTestId('theme-toggle').click() // dark -> system
      assert.equal(await isDark(), false)
    })
  })

  test('a retry done with the keyboard alone; the dialog keeps focus, Escape closes it', async () => {
    const { page } = session
    const focused = () => page.evaluate(() => document.activeElement?.dataset.testid ?? '')
    await step(page, 'keyboard-retry', async () => {
      await page.goto(`${APP_PATH}/${failedId}`)
      await page.getByTestId('retry-button').waitFor()
      for (let presses = 0; (await focused()) !== 'retry-button'; presses++) {
        assert.ok(presses < 40, 'Tab reaches the Retry button')
        await page.keyboard.press('Tab')
      }
      await page.keyboard.press('Enter')
      await page.getByTestId('retry-dialog').waitFor()
      for (let presses = 0; presses < 5; presses++) {
        await page.keyboard.press('Tab')
        assert.match(await focused(), /^retry-(cancel|confirm)$/, 'focus stays in the dialog')
      }
      await page.keyboard.press('Escape')
      await page.getByTestId('retry-dialog').waitFor({ state: 'detached' })
      assert.equal(await focused(), 'retry-button', 'focus goes back to the button')
      await page.keyboard.press('Enter')
      await page.getByTestId('retry-dialog').waitFor()
      await page.keyboard.press('Tab') // Cancel -> Retry
      assert.equal(await focused(), 'retry-confirm')
      await page.keyboard.press('Enter')
      await page.waitForURL((url) => url.pathname.startsWith(`${APP_PATH}/`) && !url.pathname.endsWith(failedId))
      // The address changes before the new execution's detail has loaded: wait for the detail itself.
      await page.locator(`[data-testid="execution-detail"]:not([data-id="${failedId}"])`).waitFor()
    })
  })

  test('a click on the backdrop closes the dialog', async () => {
    const { page } = session
    await step(page, 'backdrop', async () => {
      await page.goto(`${APP_PATH}/${failedId}`)
      await page.getByTestId('retry-button').click()
      await page.getByTestId('retry-dialog').waitFor()
      await page.getByTestId('retry-backdrop').click({ position: { x: 5, y: 5 } })
      await page.getByTestId('retry-dialog').waitFor({ state: 'detached' })
    })
  })

  test('a stored setting is edited in the form; a refused value shows next to its field', async () => {
    const { page } = session
    await step(page, 'settings-edit', async () => {
      await page.goto(`${APP_PATH}/settings`)
      const retries = page.locator('[data-testid="setting-row"][data-key="max_retries"]')
      await retries.getByTestId('setting-value-max_retries').fill('101')
      await retries.getByTestId('setting-save-max_retries').click()
      assert.match(await retries.getByRole('alert').textContent(), /max_retries must be a whole number from 0 to 100/)

      // A restart-only setting, so the specs running beside this one are not affected by the change.
      const propagates = page.locator('[data-testid="setting-row"][data-key="task_eager_propagates"]')
      assert.equal(await propagates.getByTestId('setting-applies').textContent(), 'after a restart')
      for (const value of ['false', 'true']) {
        await propagates.getByTestId('setting-value-task_eager_propagates').selectOption(value)
        await propagates.getByTestId('setting-save-task_eager_propagates').click()
        await page.getByText('Setting task_eager_propagates saved.').first().waitFor()
        await page.reload()
        assert.equal(await propagates.getByTestId('setting-value-task_eager_propagates').inputValue(), value)
      }
    })
  })
})
