// A browser smoke run against a running platform with demo data, in the
// system's Chromium (Playwright's own browser download does not work here):
//   BASE=http://127.0.0.1:8080 node e2e/smoke.mjs
// It signs in as the demo founder, edits and saves a startup, signs in as
// the demo investor and opens the deal flow, and saves screenshots to
// ../test-artifacts/. The full end-to-end suite is still to be written.
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'

const base = process.env.BASE || 'http://127.0.0.1:8080'
const out = new URL('../../test-artifacts/', import.meta.url).pathname
mkdirSync(out, { recursive: true })
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
const fail = async (msg) => { console.error('smoke: ' + msg); await browser.close(); process.exit(1) }

async function signIn(page, email) {
  await page.goto(base + '/login')
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', 'yuechuang2026')
  await page.click('form button.primary')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 10000 })
}

const founder = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage()
await signIn(founder, 'founder@demo.yuechuang.cn')
await founder.goto(base + '/me/startups')
await founder.waitForSelector('[data-test=editor]')
await founder.click('text=＋')
await founder.fill('input[name=name]', '冒烟测试项目')
await founder.fill('input[name=oneLiner]', '浏览器里创建的项目')
await founder.fill('textarea[name=description]', '这是在无头浏览器中填写并保存的项目介绍，用来验证编辑器。')
await founder.fill('input[name=askWan]', '300')
await founder.click('[data-test=editor] button.primary')
await founder.waitForSelector('text=已保存', { timeout: 10000 }).catch(() => fail('save did not confirm'))
await founder.click('[data-test=publish]')
await founder.screenshot({ path: out + 'founder-editor.png' })

const investor = await (await browser.newContext({ viewport: { width: 375, height: 800 } })).newPage()
await signIn(investor, 'investor@demo.yuechuang.cn')
await investor.goto(base + '/dealflow')
await investor.waitForSelector('[data-test=deal]', { timeout: 10000 }).catch(() => fail('no deal flow'))
const reasons = await investor.locator('[data-test=reason]').count()
if (reasons === 0) await fail('deal flow without reasons')
await investor.screenshot({ path: out + 'investor-dealflow-375.png', fullPage: false })
await investor.goto(base + '/me/investor')
await investor.waitForSelector('[data-test=thesis] input[name=name]', { timeout: 10000 }).catch(() => fail('no thesis editor'))
if ((await investor.inputValue('[data-test=thesis] input[name=name]')) === '') await fail('thesis editor did not load the profile')
const admin = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage()
await signIn(admin, 'admin@demo.yuechuang.cn')
await admin.goto(base + '/dashboard')
await admin.waitForSelector('[data-test=district-chart] canvas', { timeout: 15000 }).catch(() => fail('no district chart for the admin'))
await admin.screenshot({ path: out + 'admin-dashboard.png' })
console.log(`smoke: ok (${reasons} reasons shown; screenshots in test-artifacts/)`)
await browser.close()
