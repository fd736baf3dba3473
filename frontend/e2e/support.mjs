// Shared pieces of the browser tests: where the app is, who signs in, and the few steps every flow takes.
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { after, before } from 'node:test'
import { chromium } from 'playwright-core'

export const BASE_URL = (process.env.BASE_URL ?? 'http://localhost:8080').replace(/\/$/, '')
export const APP_PATH = '/admin/background-tasks'
export const ADMIN_API = '/api/background_tasks/admin'

/** Long enough for a worker to pick a task up and run it on a busy CI machine. */
export const EXECUTION_TIMEOUT_MS = 60_000

const SCREENSHOTS = new URL('../target/e2e/', import.meta.url)

export function account(role) {
  const username = process.env[`${role}_USER`]
  const password = process.env[`${role}_PASSWORD`]
  assert.ok(username && password, `set ${role}_USER and ${role}_PASSWORD for the browser tests`)
  return { username, password }
}

function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** A page in its own context, so each user has their own session cookie. */
export async function newPage(browser) {
  const context = await browser.newContext({ baseURL: BASE_URL })
  const page = await context.newPage()
  page.setDefaultTimeout(20_000)
  return page
}

/**
 * Launches Chromium before the tests of the enclosing `describe` and closes it after them. Once they run, the
 * answer holds the `browser` and a `page` of its own.
 */
export function openBrowser() {
  const session = {}
  before(async () => {
    session.browser = await launchBrowser()
    session.page = await newPage(session.browser)
  })
  after(() => session.browser?.close())
  return session
}

/** Runs a step and keeps a screenshot under target/e2e/ when it fails. */
export async function step(page, name, body) {
  try {
    return await body()
  } catch (failure) {
    await mkdir(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true }).catch(() => {})
    throw failure
  }
}

export async function signIn(page, { username, password }) {
  await page.goto(`${APP_PATH}/login`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => url.pathname.replace(/\/$/, '') === APP_PATH)
  await page.getByTestId('nav-logout').waitFor()
}

/** Calls the API from inside the page, with the page's session cookie. */
export function callApi(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      return { status: response.status, body: text ? JSON.parse(text) : null }
    },
    { method, path, body },
  )
}

/** Dispatches through the API; `options` are more fields of the request, e.g. `{ queue }`. */
export async function dispatch(page, task, args, options = {}) {
  const answer = await callApi(page, 'POST', '/api/background_tasks/tasks', { task, args, ...options })
  assert.equal(answer.status, 202, `dispatch of ${task}: ${JSON.stringify(answer.body)}`)
  return answer.body.id
}

export async function waitForStatus(page, id, status) {
  const deadline = Date.now() + EXECUTION_TIMEOUT_MS
  for (;;) {
    const answer = await callApi(page, 'GET', `${ADMIN_API}/executions/${id}`)
    if (answer.status === 200 && answer.body.status === status) {
      return answer.body
    }
    assert.ok(Date.now() < deadline, `execution ${id} did not become ${status}: ${JSON.stringify(answer.body)}`)
    await page.waitForTimeout(500)
  }
}

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** Runs axe-core (WCAG 2 A and AA rules) on the page as it is; answers the serious and critical violations. */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: AXE_SOURCE })
  }
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] })
    return results.violations.map(({ id, impact, nodes }) => ({
      id,
      impact,
      targets: nodes.slice(0, 3).map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }))
  })
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
}

/** Every page of the app (the unknown address shows the in-app 404 page); the detail page is added by each spec. */
export const PAGES = [
  '/',
  '/?list=retrying',
  '/?list=scheduled',
  '/?list=dead',
  '/overview',
  '/workers',
  '/queues',
  '/schedules',
  '/users',
  '/audit',
  '/settings',
  '/queues/default',
]

/** The pages only an admin may open. */
export const ADMIN_PAGES = ['/users', '/audit']

/** Opens one of the app's pages and waits until it has drawn its heading and its requests have settled. */
export async function openSettled(page, path) {
  await page.goto(`${APP_PATH}${path}`)
  await page.locator('main h1').first().waitFor()
  await page.waitForLoadState('networkidle').catch(() => {})
}

/** How far the page is wider than the window: 0 when nothing scrolls sideways. */
export function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}
