// Helpers for the end-to-end suite: the system's Chromium driven by
// playwright-core (Playwright's own browser download does not work here),
// sign-in and sign-up through the real pages, a small PDF maker for decks,
// and screenshots saved to ../../test-artifacts/ (not committed).
import { chromium } from 'playwright-core'
import { mkdirSync } from 'node:fs'
import { afterEach } from 'node:test'
import assert from 'node:assert/strict'

export const base = process.env.BASE || 'http://127.0.0.1:8080'
export const artifacts = new URL('../../test-artifacts/', import.meta.url).pathname
mkdirSync(artifacts, { recursive: true })
// A deadline for a state to appear on a busy machine (several suites and
// builds at once), not a performance target.
export const wait = { timeout: 60_000 }
export const password = 'e2e-password-2026'

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      // The stage's video (video.test.mjs): a generated camera and microphone, allowed without asking.
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  })
}

// open returns a page in a fresh context (its own cookies and storage, as
// another person's browser) that fails the suite on any uncaught error.
// Every Content-Security-Policy violation fails the suite too: the page
// reports each one as a securitypolicyviolation event (logged here) and
// Chromium logs a console error, whichever comes.
export async function open(browser, width = 1280, errors = []) {
  const ctx = await browser.newContext({ viewport: { width, height: width < 500 ? 800 : 900 }, locale: 'zh-CN' })
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`))
  })
  const page = await ctx.newPage()
  watchServerTexts(page)
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && isCspError(m.text())) errors.push(`${page.url()}: ${m.text()}`)
  })
  return page
}

// The server's error texts (a problem's detail, a field's message, a room
// error frame's detail) are English for API clients and logs; the web app
// words every code itself (i18n.ts). Each page opened here records every
// such text it receives, and after each test none of them, and no
// "中文 / English" pair, may show in any open page's visible text.
const pages = new Set()

function watchServerTexts(page) {
  const seen = { texts: new Set(), pending: [], unread: new Set() }
  pages.add(page)
  page.on('close', () => pages.delete(page))
  const record = (body) => {
    if (!body || typeof body !== 'object') return
    if (typeof body.detail === 'string') seen.texts.add(body.detail)
    for (const f of Array.isArray(body.errors) ? body.errors : []) if (typeof f?.message === 'string') seen.texts.add(f.message)
  }
  page.on('response', (r) => {
    if (r.status() < 400 || !new URL(r.url()).pathname.startsWith('/api/')) return
    const what = `${r.status()} ${new URL(r.url()).pathname}`
    seen.unread.add(what)
    seen.pending.push(r.json().then(record, () => {}).finally(() => seen.unread.delete(what)))
  })
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    try {
      const f = JSON.parse(String(payload))
      if (f?.type === 'error') record(f.data)
    } catch { /* not JSON: not an error frame */ }
  }))
  page.serverTexts = seen
}

// bilingualPair is a Chinese sentence, " / ", then a lowercase English one
// ("请先登录 / authentication required"): how the server used to word
// errors. Names beside each other ("项目A / 投资人B") are not pairs.
const bilingualPair = /[\u4e00-\u9fff][\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\w ]{0,40}[\u4e00-\u9fff\uff09] ?\/ [a-z][a-z,;'()-]* [a-z][a-z ,;'()-]{2,}/

// assertNoServerText fails when an open page shows a server error text as
// is, or a bilingual pair; run after every test of a file importing this.
export async function assertNoServerText() {
  for (const page of pages) {
    if (page.isClosed()) continue
    // A body whose page went elsewhere while it came may never be handed
    // over by the browser (the video suite hung here for four minutes
    // after a viewer left the ended room); such bodies are not waited for
    // past ten seconds, and each is named in the log.
    const late = await Promise.race([
      Promise.allSettled(page.serverTexts.pending).then(() => false),
      new Promise((resolve) => setTimeout(() => resolve(true), 10_000)),
    ])
    if (late) console.warn(`${page.url()}: error bodies not readable within 10 s, not checked: ${[...page.serverTexts.unread].join(', ')}`)
    const shown = await page.locator('body').innerText({ timeout: 5000 }).catch(() => '')
    const raw = [...page.serverTexts.texts].filter((d) => d.trim().length >= 4 && shown.includes(d))
    assert.deepEqual(raw, [], `${page.url()} shows the server's error text as is (words belong in i18n.ts)`)
    const pair = shown.match(bilingualPair)
    assert.equal(pair, null, `${page.url()} shows a bilingual error pair: ${pair?.[0]}`)
  }
}

afterEach(assertNoServerText)

export function isCspError(text) {
  return /CSP violation|Content Security Policy/i.test(text)
}

export async function signIn(page, email, pw = password) {
  await page.goto(base + '/login')
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', pw)
  await page.click('form button.primary')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), wait)
}

export async function signUp(page, role, name, email) {
  await page.goto(base + '/login')
  await page.getByRole('button', { name: '注册' }).first().click()
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', password)
  await page.fill('input[name=name]', name)
  await page.selectOption('select[name=role]', role)
  await page.click('form button.primary')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), wait)
}

// shot saves the page's top, or with at (a selector) the part around that element.
export async function shot(page, name, at = '') {
  if (at) await page.locator(at).first().evaluate((el) => el.scrollIntoView({ block: 'center' }))
  else await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: artifacts + name + '.png', fullPage: false })
}

// makePdf writes a PDF of n landscape pages, each saying "Page i".
export function makePdf(n) {
  const objs = [[1, '<< /Type /Catalog /Pages 2 0 R >>']]
  const font = 3 + 2 * n
  const kids = []
  for (let i = 0; i < n; i++) {
    const p = 3 + 2 * i
    const text = `BT /F1 64 Tf 80 170 Td (Page ${i + 1}) Tj ET`
    kids.push(`${p} 0 R`)
    objs.push([p, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 640 360] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${p + 1} 0 R >>`])
    objs.push([p + 1, `<< /Length ${text.length} >>\nstream\n${text}\nendstream`])
  }
  objs.push([2, `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${n} >>`])
  objs.push([font, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'])
  objs.sort((a, b) => a[0] - b[0])
  let out = '%PDF-1.4\n'
  const at = []
  for (const [k, body] of objs) { at[k] = out.length; out += `${k} 0 obj\n${body}\nendobj\n` }
  const xref = out.length
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`
  for (let k = 1; k <= objs.length; k++) out += String(at[k]).padStart(10, '0') + ' 00000 n \n'
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

// api calls the JSON API directly, for facts the test needs to know.
export async function api(path) {
  const res = await fetch(base + '/api/v1' + path)
  if (!res.ok) throw new Error(`${path}: ${res.status}`)
  return res.json()
}

// cuttable routes a page's websockets through the test, which can then cut
// them (as a dropped mobile connection would) and keep new ones from
// connecting until mended. Reload the page after calling it: routes only
// catch sockets opened later.
export async function cuttable(page) {
  const live = new Set()
  let down = false
  await page.routeWebSocket(/\/ws\//, (ws) => {
    if (down) return ws.close()
    const server = ws.connectToServer()
    const pair = { ws, server }
    live.add(pair)
    ws.onClose(() => live.delete(pair))
  })
  return {
    cut() {
      down = true
      for (const { ws, server } of live) { ws.close(); server.close() }
      live.clear()
    },
    mend() { down = false },
  }
}
