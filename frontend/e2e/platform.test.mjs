// The end-to-end suite: people in separate browsers using the platform
// together, against a running server with demo data (scripts/e2e.sh starts
// one). Run by `make test`; screenshots go to test-artifacts/.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, signUp, shot, makePdf, api, cuttable } from './browser.mjs'

const run = Date.now().toString(36)
const startupName = `越创E2E芯片项目${run}`
const investorName = `E2E天使投资人${run}`
const errors = []
let browser, founder, investor, admin, host, sector, roadshowPath, startupPath

describe('Yuechuang in the browser', () => {
  before(async () => {
    browser = await launch()
    sector = (await api('/taxonomy')).sectors[0]
  })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('a founder registers, fills in a profile with a deck and publishes it', async () => {
    founder = await open(browser, 1280, errors)
    await signUp(founder, 'founder', '陈越', `founder-${run}@e2e.test`)
    // No token is left where scripts can read it: the refresh token is an HttpOnly cookie.
    assert.deepEqual(await founder.evaluate(() => Object.keys(localStorage).filter((k) => (localStorage.getItem(k) || '').length > 20)), [])
    assert.ok((await founder.context().cookies()).some((c) => c.name === 'yc_refresh' && c.httpOnly && c.sameSite === 'Strict'))
    await founder.goto(base + '/me/startups')
    await founder.waitForSelector('[data-test=editor]', wait)
    await founder.fill('input[name=name]', startupName)
    await founder.fill('input[name=oneLiner]', '车规级功率芯片设计')
    await founder.fill('textarea[name=description]', '我们设计车规级碳化硅功率芯片，已与两家整车厂完成样片验证，计划年内量产。')
    await founder.selectOption('select[name=sector]', sector.code)
    await founder.selectOption('select[name=stage]', 'angel')
    await founder.selectOption('select[name=district]', 'keqiao')
    await founder.fill('input[name=askWan]', '300')
    await founder.fill('input[name=teamSize]', '6')
    await founder.fill('input[name=valuationWan]', '5000')
    await founder.fill('input[name=contactName]', '陈越')
    await founder.selectOption('select[name=spaceId]', { index: 1 })
    await founder.fill('input[name=incubatedSince]', '2026-03-01')
    // The live preview follows the form before anything is saved.
    await founder.waitForSelector(`[data-test=preview] >> text=${startupName}`, wait)
    await founder.click('[data-test=editor] button.primary')
    await founder.waitForSelector('text=已保存', wait)
    await founder.setInputFiles('[data-test=deck-upload] input[type=file]', { name: 'deck.pdf', mimeType: 'application/pdf', buffer: makePdf(3) })
    await founder.waitForSelector('[data-test=deck-note] >> text=路演材料已上传', wait)
    await founder.click('[data-test=publish]')
    await founder.waitForSelector(`button:has-text("${startupName} · 已发布")`, wait)
    await shot(founder, 'founder-editor')
  })

  it('anyone finds startups by pinyin, sees why they matched, gets suggestions and a "did you mean"', async () => {
    const p = await open(browser, 1280, errors)
    // Pinyin for 芯片 finds the chip startups, with the characters it matched marked.
    await p.goto(base + '/search?q=xinpian')
    await p.waitForSelector('[data-test=hit] mark', wait)
    assert.match(await p.locator('[data-test=hit] mark').first().innerText(), /芯|片/)
    // Typing a name's pinyin offers the name.
    await p.fill('input[name=q]', 'jianhu')
    await p.waitForSelector('[data-test=suggestions] li', wait)
    assert.match(await p.locator('[data-test=suggestions]').innerText(), /鉴湖/)
    await shot(p, 'search-suggest')
    // A near miss with no result offers the word it was near; following it finds results.
    await p.fill('input[name=q]', '芯料')
    await p.keyboard.press('Escape')
    await p.click('form button.primary')
    await p.waitForSelector('[data-test=did-you-mean] >> text=芯片', wait)
    await p.click('[data-test=did-you-mean] a')
    await p.waitForSelector('[data-test=hit] mark', wait)
    await p.close()
  })

  it('an investor sets a thesis and an admin verifies them', async () => {
    investor = await open(browser, 1280, errors)
    await signUp(investor, 'investor', investorName, `investor-${run}@e2e.test`)
    await investor.goto(base + '/me/investor')
    await investor.waitForSelector('[data-test=thesis]', wait)
    await investor.fill('[data-test=thesis] input[name=name]', investorName)
    await investor.check(`[data-test=thesis] input[value="${sector.code}"]`)
    await investor.check('[data-test=thesis] input[value="angel"]')
    await investor.check('[data-test=thesis] input[value="keqiao"]')
    await investor.fill('[data-test=thesis] input[type=number] >> nth=0', '100')
    await investor.fill('[data-test=thesis] input[type=number] >> nth=1', '1000')
    await investor.click('[data-test=thesis] button.primary')
    await investor.waitForSelector('[data-test=thesis] >> text=已保存', wait)
    await investor.reload()
    await investor.waitForSelector('[data-test=thesis][data-state=awaiting] >> text=档案待管理员认证', wait)

    admin = await open(browser, 1280, errors)
    await signIn(admin, 'admin@demo.yuechuang.cn', 'yuechuang2026')
    await admin.goto(base + '/admin')
    const card = admin.locator('[data-test=unverified]', { hasText: investorName })
    await card.waitFor(wait)
    await shot(admin, 'admin-verification')
    await card.locator('[data-test=verify]').click()
    await card.waitFor({ state: 'detached', ...wait })
    await investor.reload()
    // Wait for the profile to have loaded and show as verified; before it
    // loads the page shows neither state, so a bare "no notice" check
    // would pass on an empty page.
    await investor.waitForSelector('[data-test=thesis][data-state=verified]', wait)
    assert.equal(await investor.locator('text=档案待管理员认证').count(), 0, 'the investor still shows as awaiting verification')
  })

  it('the investor finds it in the ranked deal flow with reasons, and the founder hears of the interest live', async () => {
    await founder.goto(base + '/me/startups')
    // The count before is the one the loaded list gave, not the empty
    // badge of a page still loading.
    await founder.waitForSelector('[data-test=bell][data-loaded=true]', wait)
    const unread = async () => Number((await founder.locator('[data-test=unread]').textContent({ timeout: 500 }).catch(() => '0')) || 0)
    const before = await unread()

    await investor.goto(base + '/dealflow')
    await investor.waitForSelector('[data-test=dealflow-filters]', wait)
    await investor.selectOption('[data-test=dealflow-filters] select[name=sector]', sector.code)
    const card = investor.locator('[data-test=deal]', { hasText: startupName })
    await card.waitFor(wait)
    const scores = await investor.locator('[data-test=deal] .tag:has-text("匹配度")').allTextContents()
    const nums = scores.map((s) => parseFloat(s.match(/[\d.]+/)[0]))
    assert.deepEqual(nums, [...nums].sort((a, b) => b - a), 'the deal flow is not ranked best first')
    assert.ok((await card.locator('[data-test=reason]').count()) >= 2, 'no reasons shown for the match')
    startupPath = await card.locator('a').first().getAttribute('href')
    await shot(investor, 'investor-dealflow')
    await card.locator('[data-test=interested]').click()

    await founder.waitForFunction((n) => Number(document.querySelector('[data-test=unread]')?.textContent || 0) > n, before, wait)
    await founder.click('[data-test=bell]')
    await founder.waitForSelector(`[data-test=note] >> text=${investorName} 对 ${startupName} 感兴趣`, wait)
    await shot(founder, 'founder-bell')
    await founder.reload()
    await founder.waitForSelector(`[data-test=interested-investors] >> text=${investorName}`, wait)
  })

  it('a manager schedules a roadshow with an agenda and starts it from the host console', async () => {
    host = await open(browser, 1280, errors)
    await signIn(host, 'manager@demo.yuechuang.cn', 'yuechuang2026')
    await host.goto(base + '/me/space')
    await host.waitForSelector('[data-test=schedule]', wait)

    // The manager opens a new space, which waits for the admin's verification.
    await host.click('button:has-text("新空间")')
    await host.fill('[data-test=space-editor] input[name=name]', `E2E新空间${run}`)
    await host.selectOption('[data-test=space-editor] select[name=district]', 'shangyu')
    await host.check('[data-test=space-editor] input[value="mentoring"]')
    await host.click('[data-test=space-editor] button.primary')
    await host.waitForSelector(`button.primary:has-text("E2E新空间${run}")`, wait)
    await host.waitForSelector('[data-test=space-figures]', wait)

    // A scheduled roadshow can still be changed (the demo's are at one of the manager's spaces).
    const demoShow = (await api('/roadshows?pageSize=50')).items.find((r) => r.status === 'scheduled')
    const demoSpace = await api(`/spaces/${demoShow.spaceId}`)
    await host.click(`button:has-text("${demoSpace.name}")`)
    const first = host.locator('[data-test=my-roadshow]', { has: host.locator('[data-test=edit-roadshow]') }).first()
    await first.locator('[data-test=edit-roadshow]').click()
    await host.fill('[data-test=schedule] input[name=title]', `改过的路演 ${run}`)
    await host.click('[data-test=schedule-submit]')
    await host.waitForSelector(`[data-test=my-roadshow] >> text=改过的路演 ${run}`, wait)

    // The space's startup registry comes in from a sheet: preview, then the good rows.
    const sheet = `序号,企业名称,所属行业,融资阶段,团队人数\n1,E2E导入甲${run},${sector.zh},天使轮,8\n2,,${sector.zh},天使轮,3\n3,E2E导入乙${run},${sector.zh},种子轮,5人\n`
    await host.setInputFiles('[data-test=registry-file]', { name: 'registry.csv', mimeType: 'text/csv', buffer: Buffer.from(sheet) })
    await host.waitForSelector('[data-test=registry-preview] >> text=2 行可导入，1 行有问题', wait)
    await host.waitForSelector('text=缺少企业名称', wait)
    await host.click('[data-test=registry-commit]')
    await host.waitForSelector('[data-test=registry-preview] >> text=新建 2', wait)
    await host.waitForSelector(`text=E2E导入甲${run} 已新建`, wait)
    await shot(host, 'manager-space')
    await host.fill('[data-test=schedule] input[name=title]', `E2E 芯片专场路演 ${run}`)
    await host.selectOption('[data-test=schedule] select[name=visibility]', 'public')
    // The search index catches up with a publish within moments; type again until it has.
    for (let i = 0; ; i++) {
      await host.fill('[data-test=schedule] input[name=slotSearch]', '')
      await host.fill('[data-test=schedule] input[name=slotSearch]', startupName)
      if (await host.locator('[data-test=add-slot]').first().waitFor({ timeout: 2000 }).then(() => true, () => false)) break
      assert.ok(i < 10, 'the startup never appeared in the agenda search')
    }
    await host.click('[data-test=add-slot] >> nth=0')
    await host.waitForSelector(`[data-test=slot] >> text=${startupName}`, wait)
    await host.click('[data-test=schedule-submit]')
    await host.waitForURL(/\/roadshows\/[^/]+\/live$/, wait)
    roadshowPath = new URL(host.url()).pathname
    // Presenting needs the founder's consent: the agenda entry is an invitation the founder accepts.
    await founder.goto(base + '/me/startups')
    const invitation = founder.locator('[data-test=invitation]', { hasText: `E2E 芯片专场路演 ${run}` })
    await invitation.locator('[data-test=accept-invitation]').click()
    await founder.waitForSelector(`[data-test=invitation][data-consent=accepted] >> text=E2E 芯片专场路演 ${run}`, wait)
    await shot(founder, 'founder-invitation')
    await host.waitForSelector('[data-test=host-console] [data-test=start]', wait)
    await host.click('[data-test=start]')
    await host.waitForSelector(`[data-test=stage] >> text=${startupName}`, wait)
    await host.waitForSelector('[data-test=deck][data-page="1"]', wait)
  })

  it('host, founder and investor in the live room see chat, questions, votes and the deck page move together', async () => {
    await founder.goto(base + roadshowPath)
    await investor.goto(base + roadshowPath)
    const room = [host, founder, investor]
    for (const p of room) await p.waitForSelector('[data-test=deck][data-page="1"]', wait)

    await founder.fill('input[name=chat]', '大家好，我是陈越')
    await founder.press('input[name=chat]', 'Enter')
    for (const p of room) await p.waitForSelector('[data-test=chat] >> text=大家好，我是陈越', wait)

    await investor.fill('input[name=question]', '量产时间表是怎样的？')
    await investor.press('input[name=question]', 'Enter')
    for (const p of room) await p.waitForSelector('[data-test=question-text] >> text=量产时间表是怎样的？', wait)
    await founder.fill('input[name=question]', '欢迎提问：估值怎么定？')
    await founder.press('input[name=question]', 'Enter')
    for (const p of room) await p.waitForSelector('[data-test=question-text] >> text=欢迎提问：估值怎么定？', wait)
    const first = (p) => p.locator('[data-test=question-text]').first().textContent()
    assert.equal(await first(investor), '量产时间表是怎样的？', 'with equal votes the earlier question should lead')

    await host.locator('[data-test=question]', { hasText: '欢迎提问：估值怎么定？' }).locator('[data-test=upvote]').click()
    for (const p of room) {
      await p.waitForFunction(() => document.querySelector('[data-test=question-text]')?.textContent === '欢迎提问：估值怎么定？', null, wait)
    }

    await host.click('[data-test=next-page]')
    for (const p of room) await p.waitForSelector('[data-test=deck][data-page="2"]', wait)
    await investor.click('[data-test=room-interest]')
    await investor.waitForSelector('[data-test=room-interest] >> text=已表达意向', wait)
    await shot(host, 'live-room-host')
    await shot(investor, 'live-room')
  })

  it('dropped connections come back and catch up on what they missed', async () => {
    // The investor's room connection drops while the founder chats.
    const investorNet = await cuttable(investor)
    await investor.reload()
    await investor.waitForSelector('[data-test=deck][data-page="2"]', wait)
    investorNet.cut()
    await investor.waitForSelector('[data-test=reconnecting]', wait)
    await founder.fill('input[name=chat]', '断线期间发的消息')
    await founder.press('input[name=chat]', 'Enter')
    await host.waitForSelector('[data-test=chat] >> text=断线期间发的消息', wait)
    investorNet.mend()
    await investor.waitForSelector('[data-test=chat] >> text=断线期间发的消息', wait)
    await investor.waitForSelector('[data-test=reconnecting]', { state: 'detached', ...wait })

    // The founder's bell is offline while the investor asks for an intro.
    const unread = () => founder.evaluate(() => Number(document.querySelector('[data-test=unread]')?.textContent || 0))
    const founderNet = await cuttable(founder)
    await founder.reload()
    await founder.waitForSelector('[data-test=deck][data-page="2"]', wait)
    const before = await unread()
    founderNet.cut()
    await founder.waitForSelector('[data-test=reconnecting]', wait)
    await investor.goto(base + startupPath)
    // Verified by the admin, the investor now reads the investors-only part.
    await investor.waitForSelector('[data-test=investors-only] >> text=5000', wait)
    await investor.fill('[data-test=investor-actions] textarea', '想进一步了解量产计划')
    await investor.click('[data-test=investor-actions] form button')
    await investor.waitForSelector('[data-test=note] >> text=引荐请求已发送', wait)
    founderNet.mend()
    await founder.waitForFunction((n) => Number(document.querySelector('[data-test=unread]')?.textContent || 0) > n, before, wait)
    await founder.click('[data-test=bell]')
    await founder.waitForSelector(`[data-test=note] >> text=引荐请求：${startupName} / ${investorName}`, wait)
  })

  it('the dashboard shows progress against targets, districts and trends', async () => {
    await admin.goto(base + '/dashboard')
    for (const chart of ['progress-chart', 'district-chart', 'trend-chart']) {
      await admin.waitForSelector(`[data-test=${chart}] canvas`, wait)
    }
    await admin.selectOption('select[name=trend]', 'startups')
    assert.ok((await admin.locator('[data-test=trend] >> text=回推').count()) > 0, 'reconstructed history is not marked')
    // The dashboard says what the official figures count and which numbers are the startups' own (issue 13).
    assert.match(await admin.locator('[data-test=counting-rules]').textContent(), /已认证的众创空间.*入驻经空间确认.*企业自报/)
    await admin.waitForTimeout(1500) // let the bars finish growing before the picture
    await shot(admin, 'admin-dashboard')
    // The admin verifies the manager's new space.
    await admin.goto(base + '/admin')
    const space = admin.locator('[data-test=unverified-space]', { hasText: `E2E新空间${run}` })
    await space.locator('[data-test=verify]').click()
    await space.waitFor({ state: 'detached', ...wait })
    await admin.goto(base + '/dashboard')
    await admin.waitForSelector('[data-test=targets]', wait)

    // The admin edits the targets; the figures count against them at once.
    await admin.fill('[data-test=targets] input[name=startups]', '1000')
    await admin.click('[data-test=targets-save]')
    await admin.waitForSelector('[data-test=targets] >> text=已保存', wait)
    const startups = (await api('/stats/program')).figures.find((f) => f.key === 'startups')
    assert.equal(startups.target, 1000, 'the saved target is not the one counted against')
    // The platform backed itself up at start (BACKUP_DIR is set): the admin sees how old that is.
    const age = await admin.waitForSelector('[data-test=backup-age]', wait)
    assert.match(await age.textContent(), /最近一次成功备份：\d+ \S+前/)
    assert.equal(await admin.locator('[data-test=backup-stale]').count(), 0, 'a fresh backup is called stale')
    // Chinese first, English on request, remembered across pages.
    await admin.click('header button:has-text("EN")')
    await admin.waitForSelector('main h1:has-text("Program dashboard")', wait)
    await admin.goto(base + '/admin')
    await admin.waitForSelector('main h1:has-text("Verification")', wait)
    await admin.click('header button:has-text("中文")')
    await admin.waitForSelector('main h1:has-text("认证管理")', wait)
  })

  it('every screen fits a 375 px phone', async () => {
    const slug = (await api('/startups?pageSize=1')).items[0].id
    const space = (await api('/spaces?pageSize=1')).items[0].id
    const phones = {}
    for (const [who, email] of [['anyone', ''], ['founder', 'founder@demo.yuechuang.cn'], ['investor', 'investor@demo.yuechuang.cn'],
      ['manager', 'manager@demo.yuechuang.cn'], ['admin', 'admin@demo.yuechuang.cn']]) {
      phones[who] = await open(browser, 375, errors)
      if (email) await signIn(phones[who], email, 'yuechuang2026')
    }
    const screens = [
      ['anyone', '/'], ['anyone', '/login'], ['anyone', '/search?q=芯片'], ['anyone', '/roadshows'], ['anyone', '/spaces'],
      ['anyone', `/spaces/${space}`], ['anyone', `/startups/${slug}`], ['founder', `/investors/${(await api('/investors?pageSize=1')).items[0].id}`], ['anyone', roadshowPath.replace(/\/live$/, '')],
      ['anyone', '/dashboard'], ['founder', '/me/startups'], ['founder', '/me/intros'], ['founder', '/notifications'],
      ['investor', '/dealflow'], ['investor', '/me/investor'], ['investor', roadshowPath], ['manager', '/me/space'],
      ['admin', '/admin'], ['admin', '/dashboard'], ['anyone', '/no-such-page'],
    ]
    const wide = []
    for (const [who, path] of screens) {
      const p = phones[who]
      await p.goto(base + path)
      await p.waitForSelector('main h1', wait)
      await p.waitForTimeout(300) // lists and charts settle
      const w = await p.evaluate(() => document.documentElement.scrollWidth)
      if (w > 376) wide.push(`${path} (${who}): ${w}px`)
    }
    await shot(phones.investor, 'room-375')
    // The demo's presenters brought decks: a verified investor reads one on a phone.
    const demoShow = (await api('/roadshows?pageSize=50')).items.find((r) => !r.title.startsWith('E2E'))
    await phones.investor.goto(base + `/startups/${demoShow.slots[0].startupId}`)
    await phones.investor.click('[data-test=open-deck]')
    await phones.investor.waitForSelector('[data-test=deck][data-pages="6"][data-page="1"]', wait)
    await phones.investor.click('[data-test=deck] button:has-text("›")')
    await phones.investor.waitForSelector('[data-test=deck][data-page="2"]', wait)
    await shot(phones.investor, 'deck-375')
    // A registered-only roadshow asks a founder who has not registered to do so, then lets them in.
    const closed = (await api('/roadshows?pageSize=50')).items.find((r) => r.visibility === 'registered')
    await phones.founder.goto(base + `/roadshows/${closed.id}/live`)
    await phones.founder.click('[data-test=gate-register]')
    await phones.founder.waitForSelector('[data-test=presence]', wait)
    assert.equal(await phones.founder.locator('[data-test=reconnecting]').count(), 0, 'the room did not connect after registering')
    await phones.investor.goto(base + '/dealflow')
    await phones.investor.waitForSelector('[data-test=deal]', wait)
    await shot(phones.investor, 'investor-dealflow-375')
    await phones.founder.goto(base + '/me/startups')
    await phones.founder.waitForSelector('[data-test=editor]', wait)
    await shot(phones.founder, 'founder-editor-375')
    assert.deepEqual(wide, [], 'screens wider than the phone')
  })
})
