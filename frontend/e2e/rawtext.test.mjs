// The guard against server texts shown raw (browser.mjs) can fail: a
// refused sign-in shows the app's words, and the server's detail or a
// bilingual pair put on the page fails assertNoServerText.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, assertNoServerText } from './browser.mjs'

describe('server texts never reach a page', () => {
  let browser, page
  const errors = []
  before(async () => { browser = await launch() })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('a refused sign-in shows the words for its code, and the guard catches a raw detail', async () => {
    page = await open(browser, 1280, errors)
    await page.goto(base + '/login')
    await page.fill('input[name=email]', 'nobody@e2e.test')
    await page.fill('input[name=password]', 'not-the-password-1')
    await page.click('form button.primary')
    await page.waitForSelector('[data-test=error] >> text=邮箱或密码不正确', wait)
    await assertNoServerText()
    const detail = [...page.serverTexts.texts].find((d) => /password/.test(d))
    assert.ok(detail, `the refusal's detail was recorded: ${[...page.serverTexts.texts]}`)
    for (const bad of [detail, '邮箱或密码错误 / wrong email or password']) {
      await page.evaluate((text) => { const p = document.createElement('p'); p.id = 'raw'; p.textContent = text; document.body.append(p) }, bad)
      await assert.rejects(assertNoServerText(), undefined, `the guard missed ${bad}`)
      await page.evaluate(() => document.getElementById('raw').remove())
    }
    await assertNoServerText()
  })
})
