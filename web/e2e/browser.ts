import { type Browser, chromium, type Page } from 'playwright-core'
import { expect, inject } from 'vitest'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

export function baseUrl() {
  return inject('e2eBaseUrl')
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** Fail the test on any uncaught page error, and keep console errors for the failure message. */
export function watchErrors(page: Page) {
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 40[134]/.test(msg.text())) errors.push(`console: ${msg.text()}`)
  })
  return errors
}

/** A 1×1 PNG, for upload steps. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

/** A demo user's API token, signed in through the API (for arranging data around a browser step). */
export async function apiLogin(phone: string, password = 'minqing-demo'): Promise<string> {
  const res = await fetch(`${baseUrl()}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone, password }) })
  expect(res.status).toBe(200)
  return ((await res.json()) as { token: string }).token
}
