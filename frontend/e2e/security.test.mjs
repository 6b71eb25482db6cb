// Security in the browser: every answer carries the hardening headers, the
// pages work under the Content-Security-Policy (browser.mjs fails the suite
// on any violation, and this file shows that the check does catch one), and
// a person changes a password and signs out everywhere from the account page.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, signUp, shot, isCspError } from './browser.mjs'

const run = Date.now().toString(36)
const errors = []
let browser

describe('Security in the browser', () => {
  before(async () => { browser = await launch() })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors or CSP violations in the pages')
  })

  it('serves every page and API answer with the hardening headers', async () => {
    for (const path of ['/', '/login', '/dashboard', '/api/v1/taxonomy', '/api/v1/nothing', '/api/openapi.json']) {
      const res = await fetch(base + path)
      const csp = res.headers.get('content-security-policy') || ''
      // pages get the web app's policy; JSON answers the API's, which allows nothing
      const json = /json/.test(res.headers.get('content-type') || '')
      assert.equal(json, path.startsWith('/api/'), path)
      assert.match(csp, json ? /^default-src 'none'; frame-ancestors 'none'$/ : /default-src 'self'/, path)
      assert.match(csp, /frame-ancestors 'none'/, path)
      assert.doesNotMatch(csp.split(';').find((d) => d.trim().startsWith('script-src')) || '', /'unsafe-inline'|'unsafe-eval'/, path)
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path)
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path)
      assert.equal(res.headers.get('referrer-policy'), 'same-origin', path)
    }
  })

  it('catches a CSP violation when one happens, and no page frames ours', async () => {
    const seen = []
    const page = await open(browser, 1280, seen)
    await page.goto(base + '/')
    await page.waitForSelector('header', wait)
    // An injected inline script must be refused, and the refusal noticed.
    await page.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'window.__injected = true'
      document.body.appendChild(s)
    })
    await page.waitForTimeout(200)
    assert.equal(await page.evaluate(() => window.__injected === true), false, 'an inline script ran')
    assert.ok(seen.some(isCspError), `the violation was not reported: ${JSON.stringify(seen)}`)
    // A page of ours inside a frame is refused by frame-ancestors.
    const framer = await open(browser, 1280, [])
    await framer.setContent(`<iframe id="f" src="${base}/admin"></iframe>`)
    await framer.waitForTimeout(1000)
    const framed = framer.frames().find((f) => f.url().startsWith(base))
    const loaded = framed ? await framed.evaluate(() => !!document.querySelector('#app')).catch(() => false) : false
    assert.equal(loaded, false, 'the admin page loaded inside another page')
    await page.context().close()
    await framer.context().close()
  })

  it('a person changes the password and signs out everywhere', async () => {
    const email = `account-${run}@e2e.test`
    const phone = await open(browser, 390, errors)
    await signUp(phone, 'founder', '账号测试', email)
    const laptop = await open(browser, 1280, errors)
    await signIn(laptop, email)
    await laptop.goto(base + '/account')
    await laptop.waitForSelector('[data-test=change-password]', wait)
    // A common password is refused in words, not a code.
    await laptop.fill('input[name=oldPassword]', 'e2e-password-2026')
    await laptop.fill('input[name=newPassword]', 'Password2026!')
    await laptop.fill('input[name=repeatPassword]', 'Password2026!')
    await laptop.click('[data-test=change-password] button.primary')
    await laptop.waitForSelector('[data-test=error] >> text=密码过于常见', wait)
    await laptop.fill('input[name=newPassword]', '越创 spring tide 2026')
    await laptop.fill('input[name=repeatPassword]', '越创 spring tide 2026')
    await laptop.click('[data-test=change-password] button.primary')
    await laptop.waitForSelector('[data-test=done]', wait)
    await shot(laptop, 'account-password-changed')
    // The phone's session ended with the change: a reload finds it signed out.
    await phone.reload()
    await phone.waitForSelector('header a[href="/login"]', wait)
    // The laptop goes on, then signs out everywhere, itself included.
    await laptop.reload()
    await laptop.waitForSelector('[data-test=logout-all]', wait)
    await laptop.click('[data-test=logout-all]')
    await laptop.waitForURL((u) => u.pathname.startsWith('/login'), wait)
    await laptop.goto(base + '/account')
    await laptop.waitForSelector('header a[href="/login"]', wait)
    await signIn(laptop, email, '越创 spring tide 2026')
    await laptop.context().close()
    await phone.context().close()
  })
})
