// The founder's and the investor's journeys, each to where the user wanted
// to go (issue 15): a deck asked for, granted from the notification, read,
// the reading time kept across a reload and shown to the founder page by
// page; a pass undone; the saved list. Against the platform that
// scripts/e2e.sh starts; screenshots go to test-artifacts/.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, signUp, shot, makePdf, password } from './browser.mjs'

const run = Date.now().toString(36)
const startupName = `E2E旅程项目${run}`
const errors = []
let browser, founder, investor, startupId, sector, investorProfileId

// call is the JSON API as a script would use it, to set up what the
// journey starts from (an account, a published startup).
async function call(method, path, token, body, type = 'application/json') {
  const headers = {}
  if (token) headers.Authorization = 'Bearer ' + token
  if (body !== undefined) headers['Content-Type'] = type
  const res = await fetch(base + '/api/v1' + path, { method, headers, body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

// tokenOf signs in as the page's user through the API (a separate session).
const emails = new Map()
async function tokenOf(page) {
  const r = await call('POST', '/auth/login', '', { email: emails.get(page), password })
  return r.accessToken
}

async function account(role, name) {
  const email = `${role}-journey-${run}@e2e.test`
  const r = await call('POST', '/auth/register', '', { email, password, role, name })
  return { email, token: r.accessToken, id: r.user.id }
}

describe('founder and investor journeys', () => {
  before(async () => {
    browser = await launch()
    sector = (await call('GET', '/taxonomy')).sectors[0].code
    const f = await account('founder', '旅程创始人')
    const s = await call('POST', '/startups', f.token, { name: startupName, oneLiner: '旅程测试用的项目', description: '这是一个用于浏览器旅程测试的项目，介绍超过二十个字。',
      sector, stage: 'angel', askWan: 200, district: 'keqiao' })
    startupId = s.id
    await call('PUT', `/startups/${startupId}/deck`, f.token, makePdf(3), 'application/pdf')
    await call('POST', `/startups/${startupId}/publish`, f.token)
    // An investor with a profile but not verified: the deck is theirs only
    // if the founder grants it.
    const i = await account('investor', '旅程投资人')
    investorProfileId = (await call('POST', '/investors', i.token, { name: '旅程投资人', kind: 'angel', sectors: [sector], stages: ['angel'], checkMinWan: 50, checkMaxWan: 500, districts: [] })).id
    founder = await open(browser, 1280, errors)
    await signIn(founder, f.email)
    investor = await open(browser, 1280, errors)
    await signIn(investor, i.email)
    emails.set(founder, f.email).set(investor, i.email)
  })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('an investor asks for a deck and the founder grants it from the notification', async () => {
    await investor.goto(`${base}/startups/${startupId}`)
    await investor.waitForSelector('[data-test=deck-card][data-access=none]', wait)
    await investor.click('[data-test=request-deck]')
    await investor.waitForSelector('[data-test=deck-card][data-access=pending]', wait)
    await shot(investor, 'journey-deck-requested')

    await founder.goto(base + '/me/startups')
    await founder.waitForSelector('[data-test=bell][data-loaded=true]', wait)
    await founder.click('[data-test=bell]')
    const note = founder.locator('[data-test=note]', { hasText: '申请查看' }).first()
    await note.waitFor(wait)
    await note.click()
    // The notification opens the founder's page at that request.
    const request = founder.locator('[data-test=deck-request].focus[data-status=pending]')
    await request.waitFor(wait)
    assert.match(await request.innerText(), /旅程投资人/)
    await shot(founder, 'journey-deck-request-founder')
    await request.locator('[data-test=grant-deck]').click()
    await founder.waitForSelector('[data-test=deck-grant] >> text=旅程投资人', wait)
    await founder.waitForSelector('[data-test=access-note] >> text=已授权', wait)
    // The notifications page shows the request as answered, not as still to answer.
    await founder.goto(base + '/notifications')
    await founder.waitForSelector('[data-test=notification][data-type="deck.requested"] [data-test=deck-answered] >> text=已授权', wait)
    assert.equal(await founder.locator('[data-test=notification][data-type="deck.requested"] [data-test=grant-deck]').count(), 0)
    // Every type the server sends can be set there, the plan's services' too, and a choice is kept.
    const mentorRow = founder.locator('[data-test=delivery][data-type="mentor.requested"]')
    await mentorRow.waitFor(wait)
    assert.match(await mentorRow.innerText(), /辅导预约/)
    await mentorRow.locator('select').selectOption('digest')
    await founder.waitForSelector('[data-test=settings-saved]', wait)
    await founder.reload()
    await founder.waitForSelector('[data-test=delivery][data-type="mentor.requested"]', wait)
    assert.equal(await founder.locator('[data-test=delivery][data-type="mentor.requested"] select').inputValue(), 'digest')
  })

  it('the investor reads it, reloads, and the founder sees the seconds per page', async () => {
    await investor.goto(`${base}/startups/${startupId}`)
    await investor.waitForSelector('[data-test=deck-card][data-access=read]', wait)
    await investor.click('[data-test=open-deck]')
    await investor.waitForSelector('[data-test=deck][data-page="1"]', wait)
    await investor.waitForTimeout(2500)
    await investor.click('[data-test=deck] button:has-text("›")')
    await investor.waitForSelector('[data-test=deck][data-page="2"]', wait)
    await investor.waitForTimeout(1500)
    await shot(investor, 'journey-deck-reading')
    // A reload: the page is gone before any in-page report; its beacon keeps the time.
    await investor.reload()
    await investor.waitForSelector('[data-test=deck-card]', wait)

    await founder.goto(`${base}/me/startups?startup=${startupId}`)
    const view = founder.locator('[data-test=deck-view]', { hasText: '旅程投资人' }).first()
    await view.locator('[data-test=page-seconds]').first().waitFor(wait)
    const text = await view.innerText()
    const secs = (n) => Number((text.match(new RegExp(`第 ${n} 页 (\\d+) 秒`)) || [])[1])
    assert.ok(secs(1) >= 2, `page 1 read for ${secs(1)} s: ${text}`)
    assert.ok(secs(2) >= 1, `page 2 read for ${secs(2)} s: ${text}`)
    await founder.locator('[data-test=deck-access]').scrollIntoViewIfNeeded()
    await founder.screenshot({ path: new URL('../../test-artifacts/journey-deck-seconds.png', import.meta.url).pathname })
  })

  it('the investor passes on a startup, undoes it, saves it and finds it in the saved list', async () => {
    // Filters live in the URL: this link is the filtered list.
    await investor.goto(`${base}/dealflow?sector=${sector}&district=keqiao&stage=angel`)
    const card = investor.locator(`[data-test=deal][data-startup="${startupId}"]`)
    await card.waitFor(wait)
    assert.equal(await investor.locator('[data-test=dealflow-filters] select[name=sector]').inputValue(), sector)
    await card.locator('[data-test=pass]').click()
    await card.waitFor({ state: 'detached', ...wait })
    await investor.waitForSelector('[data-test=passed-toast]', wait)
    await shot(investor, 'journey-pass-undo')
    await investor.click('[data-test=undo-pass]')
    await card.waitFor(wait)
    // Undone on the server too: a reload still lists it.
    await investor.reload()
    await card.waitFor(wait)
    await card.locator('[data-test=save]').click()
    await investor.waitForSelector(`[data-test=deal][data-startup="${startupId}"][data-feedback=save]`, wait)

    await investor.click('[data-test=tab-saved]')
    await investor.waitForURL((u) => u.searchParams.get('saved') === 'true', wait)
    await investor.locator(`[data-test=deal][data-startup="${startupId}"]`).waitFor(wait)
    await shot(investor, 'journey-saved-list')
  })

  it('the pipeline board fits 1280 px with every column, and a long note is not cut', async () => {
    const note = '约了下周二和创始团队在柯桥见面，重点看量产良率、车规认证进度和两家整车厂的订单意向；需要补充财务模型与股权结构。'
    await call('PUT', `/pipeline/${startupId}`, await tokenOf(investor), { stage: 'term-sheet', note })
    await investor.goto(base + '/me/investor')
    const item = investor.locator('[data-test=pipeline-item]', { hasText: startupName })
    await item.waitFor(wait)
    const fit = await investor.locator('[data-test=pipeline]').evaluate((b) => ({ scroll: b.scrollWidth, client: b.clientWidth, columns: b.children.length,
      right: Math.max(...[...b.children].map((c) => c.getBoundingClientRect().right)), edge: b.getBoundingClientRect().right }))
    assert.equal(fit.columns, 7)
    assert.ok(fit.scroll <= fit.client + 1 && fit.right <= fit.edge + 1, `the board is cut at 1280 px: ${JSON.stringify(fit)}`)
    const box = await item.locator('[data-test=pipeline-note]').evaluate((t) => ({ value: t.value, scroll: t.scrollHeight, client: t.clientHeight }))
    assert.equal(box.value, note)
    assert.ok(box.scroll <= box.client + 2, `the note is cut: ${JSON.stringify(box)}`)
    await item.scrollIntoViewIfNeeded()
    await investor.screenshot({ path: new URL('../../test-artifacts/journey-pipeline-1280.png', import.meta.url).pathname })
  })

  it('the founder sees interest arrive live; the investor consents to show it on their page', async () => {
    await founder.goto(`${base}/me/startups?startup=${startupId}`)
    await founder.waitForSelector('[data-test=bell][data-loaded=true]', wait)
    await founder.waitForSelector('[data-test=interested-investors] >> text=还没有投资人表达意向', wait)
    await investor.goto(`${base}/startups/${startupId}`)
    await investor.click('[data-test=interested]')
    await investor.waitForSelector('[data-test=note] >> text=已标记感兴趣', wait)
    // No reload: the bell's socket tells the founder's page.
    await founder.waitForSelector('[data-test=interested-investors] >> text=旅程投资人', wait)
    const other = await open(browser, 1280, errors)
    await other.goto(`${base}/investors/${investorProfileId}`)
    await other.waitForSelector('[data-test=interest-hidden]', wait)
    await investor.goto(base + '/me/investor')
    await investor.check('[data-test=thesis] input[name=publicInterest]')
    await investor.click('[data-test=thesis] button.primary')
    await investor.waitForSelector('[data-test=thesis] >> text=已保存', wait)
    await other.reload()
    await other.waitForSelector(`[data-test=public-interest] >> text=${startupName}`, wait)
    await shot(other, 'journey-investor-page')
    await other.close()
  })

  it('after sign-up, a founder and an investor are told what to fill in next', async () => {
    const f = await open(browser, 1280, errors)
    await signUp(f, 'founder', '新创始人', `founder-new-${run}@e2e.test`)
    await f.waitForURL((u) => u.pathname === '/me/startups', wait)
    await f.waitForSelector('[data-test=onboarding] [data-step=startup][data-done=false]', wait)
    await f.fill('input[name=name]', `新项目${run}`)
    await f.click('[data-test=editor] button.primary')
    await f.waitForSelector('[data-test=onboarding] [data-step=startup][data-done=true]', wait)
    await f.waitForSelector('[data-test=onboarding] [data-step=oneLiner][data-done=false]', wait)
    await f.click('[data-test=onboarding] [data-step=oneLiner] a')
    assert.equal(await f.evaluate(() => document.activeElement?.getAttribute('name')), 'oneLiner')
    await shot(f, 'journey-founder-onboarding')
    await f.close()

    const i = await open(browser, 1280, errors)
    await signUp(i, 'investor', '新投资人', `investor-new-${run}@e2e.test`)
    await i.waitForURL((u) => u.pathname === '/me/investor', wait)
    await i.waitForSelector('[data-test=investor-state][data-state=new]', wait)
    await i.waitForSelector('[data-test=onboarding] [data-step=profile][data-done=false]', wait)
    // The deal flow, before a profile, says what to do and links there.
    await i.goto(base + '/dealflow')
    await i.click('[data-test=need-profile] a')
    await i.waitForURL((u) => u.pathname === '/me/investor', wait)
    await i.check(`[data-test=thesis] input[value="${sector}"]`)
    await i.check('[data-test=thesis] input[value="seed"]')
    await i.click('[data-test=thesis] button.primary')
    await i.waitForSelector('[data-test=investor-state][data-state=awaiting] a[href="/dealflow"]', wait)
    await i.waitForSelector('[data-test=onboarding] [data-step=verified][data-done=false]', wait)
    await shot(i, 'journey-investor-onboarding')
    await i.close()
  })
})
