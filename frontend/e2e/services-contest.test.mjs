// A contest in the browser (#18): a space manager hosts a maker contest on
// the city calendar with weighted criteria and names a verified mentor to
// the panel; two founders enter their published startups (the demo
// founder's, and one made through the API beforehand); the host closes the
// entries; the judge's invalid sheet is refused in words, then both
// entries are scored; the host publishes the ranking, which shows the
// winner, and the winner's startup page is flagged.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, shot, password } from './browser.mjs'

const run = Date.now().toString(36)
const title = `E2E创客大赛${run}`
const errors = []
let browser

// call is the JSON API with a bearer token, for the facts the journey starts from.
async function call(method, path, token, body) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {}
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(base + '/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

describe('contest', () => {
  const other = { email: `contest-founder-${run}@e2e.test`, name: `E2E参赛项目${run}` }
  before(async () => {
    browser = await launch()
    const r = await call('POST', '/auth/register', '', { email: other.email, password, role: 'founder', name: '参赛创始人' })
    const s = await call('POST', '/startups', r.accessToken, { name: other.name, oneLiner: '参赛测试用的项目', description: '这是一个用于创客大赛浏览器测试的项目，介绍超过二十个字。',
      sector: (await call('GET', '/taxonomy')).sectors[0].code, stage: 'seed', askWan: 100, district: 'keqiao' })
    await call('POST', `/startups/${s.id}/publish`, r.accessToken)
    other.id = s.id
  })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('a contest from entry to published ranking', async () => {
    const host = await open(browser, 1280, errors)
    await signIn(host, 'manager@demo.yuechuang.cn', 'yuechuang2026')
    await host.goto(base + '/calendar')
    await host.waitForSelector('[data-test=calendar-item]', wait) // the demo's events
    await shot(host, 'calendar')
    const form = host.locator('[data-test=event-form]')
    await form.locator('select[name=kind]').selectOption('contest')
    await form.locator('input[name=title]').fill(title)
    const start = await host.evaluate(() => {
      const d = new Date(Date.now() + 24 * 3600_000)
      return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16)
    })
    await form.locator('input[name=startsAt]').fill(start)
    await form.locator('input[name=criterionName]').first().fill('创新性')
    await form.locator('input[name=criterionWeight]').first().fill('3')
    await form.locator('[data-test=add-criterion]').click()
    await form.locator('input[name=criterionName]').nth(1).fill('团队')
    await form.locator('input[name=winners]').fill('1')
    await form.locator('[data-test=event-save]').click()
    await host.waitForURL(/\/events\/[0-9a-f]{24}$/, wait)
    const eventURL = host.url()
    await host.waitForSelector('[data-test=contest-panel-stage] >> text=报名中', wait)

    // The panel: the demo's verified mentor.
    await host.locator('input[data-judge="周衡"]').check()
    await host.click('[data-test=judges-save]')
    await host.waitForSelector('[data-test=contest-judge] >> text=周衡', wait)

    // Two founders enter their published startups.
    const choices = []
    for (const [email, pw] of [['founder@demo.yuechuang.cn', 'yuechuang2026'], [other.email, password]]) {
      const founder = await open(browser, 1280, errors)
      await signIn(founder, email, pw)
      await founder.goto(eventURL)
      const enter = founder.locator('[data-test=contest-enter]')
      await enter.waitFor(wait)
      const c = await enter.locator('select[name=entrant] option').first().evaluate((o) => ({ id: o.value, name: o.textContent }))
      await founder.click('[data-test=contest-enter-btn]')
      await founder.locator('[data-test=contest-entry]', { hasText: c.name }).locator('button').waitFor(wait) // theirs: they may withdraw
      choices.push(c)
    }
    assert.equal(choices[1].name, other.name)

    // The host closes the entries: judging begins.
    await host.reload()
    await host.click('[data-test=contest-close]')
    await host.waitForSelector('[data-test=contest-panel-stage] >> text=评审中', wait)

    // The judge scores: an invalid sheet is refused in words, then both entries.
    const judge = await open(browser, 1280, errors)
    await signIn(judge, 'mentor@demo.yuechuang.cn', 'yuechuang2026')
    await judge.goto(eventURL)
    const sheets = judge.locator('[data-test=score-sheet]')
    await sheets.first().waitFor(wait)
    assert.equal(await sheets.count(), 2)
    const scoreAs = [[9, 8], [5, 6]]
    for (let i = 0; i < 2; i++) {
      const sheet = judge.locator('[data-test=score-sheet]', { hasText: choices[i].name })
      await sheet.locator('input[name=score-c1]').fill(i === 0 ? '11' : String(scoreAs[i][0]))
      await sheet.locator('input[name=score-c2]').fill(String(scoreAs[i][1]))
      await sheet.locator('[data-test=score-save]').click()
      if (i === 0) {
        await judge.waitForSelector('[data-test=contest-error] >> text=0 到 10', wait)
        await sheet.locator('input[name=score-c1]').fill(String(scoreAs[0][0]))
        await sheet.locator('[data-test=score-save]').click()
      }
      await judge.locator('[data-test=contest-entry]', { hasText: choices[i].name }).locator('[data-test=entry-scored]').waitFor(wait)
    }

    // The host publishes the ranking: the first startup wins, (9*3+8)/4 = 8.75 against 5.25.
    await host.reload()
    await host.waitForSelector('[data-test=sheets-in] >> text=2', wait)
    await host.click('[data-test=contest-publish]')
    await host.waitForSelector('[data-test=contest-panel-stage] >> text=结果已公布', wait)
    const first = host.locator('[data-test=contest-result][data-rank="1"]')
    await first.waitFor(wait)
    assert.match(await first.innerText(), new RegExp(choices[0].name))
    assert.match(await first.innerText(), /8\.75/)
    await first.locator('[data-test=result-winner]').waitFor(wait)
    assert.equal(await host.locator('[data-test=result-winner]').count(), 1, 'one winning place')
    await shot(host, 'contest-ranking')

    // Anyone sees the ranking and the winner's flag on its page.
    const anyone = await open(browser, 1280, errors)
    await anyone.goto(eventURL)
    await anyone.locator('[data-test=contest-result][data-rank="2"]', { hasText: choices[1].name }).waitFor(wait)
    await anyone.goto(`${base}/startups/${choices[0].id}`)
    await anyone.locator('[data-test=startup-award]', { hasText: title }).waitFor(wait)
    await shot(anyone, 'contest-winner-startup')
  })
})
