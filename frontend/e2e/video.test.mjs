// The stage's live video in the browser (issue #17): Chromium with fake
// camera and microphone (browser.mjs launches it so), a presenter
// publishing, viewers in other browser contexts watching, the host taking
// the presenter off and bringing a raised hand on stage, a viewer refused,
// and the recordings in the record after the end. Screenshots go to
// test-artifacts/.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, shot, password } from './browser.mjs'
import { keepConnections, pageState, serverStage } from './stagestats.mjs'

const run = Date.now().toString(36)
const errors = []
let browser, presenter, viewer1, viewer2, host, rs, ids = {}, tokens = {}
const pageOf = {}, names = new Map() // a publisher's page by user id; each page's name

// call is the JSON API from the test itself, for setting up and checking.
async function call(method, path, token, body) {
  const headers = {}
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = 'Bearer ' + token
  const res = await fetch(base + '/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}))
  if (!res.ok) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`), { status: res.status, data })
  return data
}

async function account(role, name) {
  const email = `video-${role}-${name.length}-${run}-${Math.random().toString(36).slice(2, 6)}@e2e.test`
  const r = await call('POST', '/auth/register', '', { email, password, role, name })
  return { email, token: r.accessToken, id: r.user.id }
}

// playing waits until the tile of userId plays video in page: a picture
// with a size, and decoded frames that keep increasing. If it does not,
// the failure carries what the page and the publisher's page see of the
// connections and what the server logged about the stage.
async function playing(page, userId) {
  const video = `[data-test=stage-tile][data-user="${userId}"] video`
  try {
    await page.waitForFunction((sel) => document.querySelector(sel)?.videoWidth > 0, video, wait)
    const frames = () => page.evaluate((sel) => document.querySelector(sel).getVideoPlaybackQuality().totalVideoFrames, video)
    const first = await frames()
    await page.waitForFunction(([sel, n]) => document.querySelector(sel).getVideoPlaybackQuality().totalVideoFrames > n + 10, [video, first], wait)
  } catch (e) {
    const state = async (p) => p ? JSON.stringify(await pageState(p).catch((err) => String(err)), null, 1) : '(none)'
    e.message += `\n--- the watching page (${names.get(page)}):\n${await state(page)}` +
      `\n--- the publisher's page (${names.get(pageOf[userId])}):\n${await state(pageOf[userId])}` +
      `\n--- the server's stage log:\n${serverStage(rs.id)}`
    throw e
  }
}

// hearing waits until the tile's audio track receives sound from the server.
async function hearing(page, userId) {
  await page.waitForFunction((sel) => {
    const s = document.querySelector(sel)?.srcObject
    return !!s && s.getAudioTracks().some((t) => t.readyState === 'live' && !t.muted)
  }, `[data-test=stage-tile][data-user="${userId}"] video`, wait)
}

describe('live video on the roadshow stage', () => {
  before(async () => {
    browser = await launch()
    // A roadshow of its own: a founder's published startup at one of the
    // demo manager's spaces, accepted, started.
    const manager = await call('POST', '/auth/login', '', { email: 'manager@demo.yuechuang.cn', password: 'yuechuang2026' })
    tokens.host = manager.accessToken
    ids.host = manager.user.id
    const founder = await account('founder', '视频路演者')
    tokens.founder = founder.token
    ids.founder = founder.id
    const sector = (await call('GET', '/taxonomy')).sectors[0].code
    const st = await call('POST', '/startups', founder.token, { name: `E2E视频项目${run}`, oneLiner: '车规级芯片', sector, stage: 'angel', askWan: 300, district: 'keqiao',
      description: '我们设计车规级碳化硅功率芯片，已与两家整车厂完成样片验证，计划年内量产。' })
    await call('POST', `/startups/${st.id}/publish`, founder.token)
    const demo = (await call('GET', '/roadshows?pageSize=50')).items.find((r) => r.ownerId === ids.host) || (await call('GET', '/roadshows?pageSize=50')).items[0]
    rs = await call('POST', '/roadshows', tokens.host, { title: `E2E 视频路演 ${run}`, spaceId: demo.spaceId, visibility: 'public',
      startsAt: new Date(Date.now() + 3600_000).toISOString(), streamUrl: 'https://live.example.cn/overflow', slots: [{ startupId: st.id, minutes: 30 }] })
    await call('POST', `/roadshows/${rs.id}/invitations/${st.id}/accept`, founder.token)
    await call('POST', `/roadshows/${rs.id}/start`, tokens.host)
    const v1 = await account('investor', '举手观众')
    const v2 = await account('founder', '旁观者')
    Object.assign(ids, { v1: v1.id, v2: v2.id })
    Object.assign(tokens, { v1: v1.token, v2: v2.token })

    const live = `/roadshows/${rs.id}/live`
    presenter = await open(browser, 1280, errors)
    await signIn(presenter, founder.email)
    viewer1 = await open(browser, 1280, errors)
    await signIn(viewer1, v1.email)
    viewer2 = await open(browser, 1280, errors)
    await signIn(viewer2, v2.email)
    host = await open(browser, 1280, errors)
    await signIn(host, 'manager@demo.yuechuang.cn', 'yuechuang2026')
    Object.assign(pageOf, { [ids.founder]: presenter, [ids.v1]: viewer1 })
    for (const [name, p] of Object.entries({ presenter, viewer1, viewer2, host })) {
      names.set(p, name)
      await keepConnections(p)
    }
    for (const p of [presenter, viewer1, viewer2, host]) await p.goto(base + live)
    for (const p of [presenter, viewer1, viewer2, host]) await p.waitForSelector('[data-test=stage-video-area]', wait)
  })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('the presenter publishes and two viewers in other browsers see the video playing', async () => {
    await presenter.click('[data-test=go-live]')
    await presenter.waitForSelector(`[data-test=stage-tile][data-user="${ids.founder}"]`, wait)
    await playing(viewer1, ids.founder)
    await playing(viewer2, ids.founder)
    await hearing(viewer2, ids.founder)
    // The external stream stays, as the overflow.
    await viewer2.waitForSelector('[data-test=stream-overflow]', wait)
    await shot(viewer1, 'video-viewer-sees-presenter')
    await shot(presenter, 'video-presenter')
  })

  it('a viewer may not publish', async () => {
    assert.equal(await viewer2.locator('[data-test=go-live]').count(), 0, 'a viewer is offered to go on stage')
    const { ticket } = await call('POST', '/realtime/ticket', tokens.v2)
    const res = await fetch(`${base}/api/v1/roadshows/${rs.id}/stage/publish?ticket=${ticket}`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' })
    assert.equal(res.status, 403)
    assert.equal((await res.json()).code, 'stage_forbidden')
  })

  it('the host takes the presenter off and the viewers\' stage empties', async () => {
    await host.click(`[data-test=stage-tile][data-user="${ids.founder}"] [data-test=stage-remove]`)
    for (const p of [viewer1, viewer2]) {
      await p.waitForSelector(`[data-test=stage-tile][data-user="${ids.founder}"]`, { state: 'detached', ...wait })
      await p.waitForSelector('[data-test=stage-empty]', wait)
    }
    // The presenter is off for this slot: no button to go back on.
    await presenter.waitForSelector('[data-test=go-live]', { state: 'detached', ...wait })
    await shot(viewer2, 'video-stage-empty')
  })

  it('the host brings a raised hand on stage and the others see and hear them, their chat marked', async () => {
    await viewer1.click('button:has-text("举手")')
    const hand = host.locator(`[data-test=hand][data-user="${ids.v1}"]`)
    await hand.waitFor(wait)
    await hand.locator('[data-test=invite-speaker]').click()
    await viewer1.waitForSelector('[data-test=stage-invited]', wait)
    await viewer1.click('[data-test=go-live]')
    await playing(viewer2, ids.v1)
    await hearing(viewer2, ids.v1)
    await playing(host, ids.v1)
    await viewer1.fill('input[name=chat]', '大家好，我来提问')
    await viewer1.press('input[name=chat]', 'Enter')
    await viewer2.waitForSelector('[data-test=chat] [data-on-stage=true] >> text=大家好，我来提问', wait)
    await shot(viewer2, 'video-speaker-on-stage')
    await shot(host, 'video-host-console')
  })

  it('a recording of each publisher exists after the slot', async () => {
    await call('POST', `/roadshows/${rs.id}/end`, tokens.host)
    for (const p of [viewer1, viewer2]) await p.waitForSelector('[data-test=room-ended]', wait)
    const rec = await call('GET', `/roadshows/${rs.id}/record`, tokens.v2)
    const of = (user, kind) => rec.recordings.find((r) => r.userId === user && r.kind === kind && r.bytes > 1000)
    assert.ok(of(ids.founder, 'video') && of(ids.founder, 'audio'), `no recording of the presenter: ${JSON.stringify(rec.recordings)}`)
    assert.ok(of(ids.v1, 'video') && of(ids.v1, 'audio'), `no recording of the speaker: ${JSON.stringify(rec.recordings)}`)
    const file = of(ids.founder, 'video')
    const res = await fetch(`${base}/api/v1/roadshows/${rs.id}/recordings/${file.file}`, { headers: { Authorization: 'Bearer ' + tokens.v2 } })
    const bytes = Buffer.from(await res.arrayBuffer())
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'DKIF', 'not an IVF file')
    assert.equal(bytes.subarray(8, 12).toString('latin1'), 'VP80')
    await viewer2.goto(`${base}/roadshows/${rs.id}`)
    await viewer2.waitForSelector('[data-test=recordings] [data-test=recording]', wait)
    await shot(viewer2, 'video-recordings')
  })
})
