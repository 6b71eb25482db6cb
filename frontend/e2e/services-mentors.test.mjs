// Mentors in the browser (#18): a mentor signs up and offers an office
// hour at a maker space, an admin verifies them, a founder sees them
// ranked with reasons and books the hour, the mentor confirms, and once it
// has begun both leave a record: the space then shows the session held.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, signUp, shot, api } from './browser.mjs'

const run = Date.now().toString(36)
const mentorName = `E2E导师${run}`
const errors = []
let browser

// untilShown reloads page until selector shows (a session must begin first).
async function untilShown(page, selector, ms) {
  const end = Date.now() + ms
  for (;;) {
    await page.reload()
    try {
      await page.waitForSelector(selector, { timeout: 10_000 })
      return
    } catch (e) {
      if (Date.now() > end) throw e
    }
  }
}

describe('mentors', () => {
  before(async () => { browser = await launch() })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('a founder books a mentor and both confirm', async () => {
    const mentor = await open(browser, 1280, errors)
    await signUp(mentor, 'mentor', mentorName, `mentor-${run}@e2e.test`)
    await mentor.goto(base + '/me/mentor')
    await mentor.waitForSelector('[data-test=mentor-editor]', wait)
    await mentor.fill('input[name=title]', '芯片公司创始人')
    await mentor.check('input[data-sector=ic]')
    // A verified space, which the program's figures count.
    const space = (await api('/spaces?pageSize=100')).items.find((s) => s.verified).id
    await mentor.check(`input[data-space="${space}"]`)
    await mentor.click('[data-test=add-office-hour]')
    // The office hour begins two minutes from now, at that space.
    const start = await mentor.evaluate(() => {
      const d = new Date(Date.now() + 120_000)
      return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16)
    })
    await mentor.fill('input[name=slotStart]', start)
    await mentor.selectOption('select[name=slotSpace]', space)
    await mentor.click('[data-test=mentor-save]')
    await mentor.waitForSelector('[data-test=mentor-saved]', wait)
    await mentor.waitForSelector('[data-test=mentor-unverified]', wait)

    const admin = await open(browser, 1280, errors)
    await signIn(admin, 'admin@demo.yuechuang.cn', 'yuechuang2026')
    await admin.goto(base + '/admin')
    const queued = admin.locator('[data-test=unverified-mentor]', { hasText: mentorName })
    await queued.waitFor(wait)
    await queued.locator('[data-test=verify-mentor]').click()
    await queued.waitFor({ state: 'detached', ...wait })

    const founder = await open(browser, 1280, errors)
    await signIn(founder, 'founder@demo.yuechuang.cn', 'yuechuang2026')
    await founder.goto(base + '/mentors')
    const card = founder.locator('[data-test=mentor-card]', { hasText: mentorName })
    await card.waitFor(wait)
    assert.ok(await card.locator('[data-test=mentor-reason]').count() >= 2, 'the ranking says why')
    const why = await card.locator('[data-test=mentor-reason]').allTextContents()
    assert.ok(!why.some((w) => /关注|thesis/.test(w)), `a mentor's fit is worded as expertise, not an investor's thesis: ${why}`)
    await shot(founder, 'mentors-ranked')
    await card.locator('[data-test=mentor-slot] input').fill('想请教流片和车规认证')
    await card.locator('[data-test=book-slot]').click()
    const booking = founder.locator('[data-test=booking]', { hasText: mentorName })
    await booking.locator('[data-test=booking-status] >> text=待导师确认').waitFor(wait)

    // The mentor hears of it and confirms.
    await mentor.goto(base + '/me/mentor')
    const request = mentor.locator('[data-test=booking]', { hasText: '想请教流片和车规认证' })
    await request.waitFor(wait)
    await request.locator('[data-test=booking-confirm]').click()
    await request.locator('[data-test=booking-status] >> text=已确认').waitFor(wait)
    await founder.reload()
    await booking.locator('[data-test=booking-status] >> text=已确认').waitFor(wait)

    // Once it has begun, each side leaves a record; both say it was held.
    await untilShown(founder, '[data-test=booking-record]', 180_000)
    await booking.locator('[data-test=booking-record] input[type=checkbox]').check()
    await booking.locator('[data-test=booking-record] input:not([type])').fill('很有收获')
    await booking.locator('[data-test=booking-record] button').click()
    await booking.locator('text=已记录，等待对方记录').waitFor(wait)
    await mentor.reload()
    await request.locator('[data-test=booking-record] input[type=checkbox]').check()
    await request.locator('[data-test=booking-record] button').click()
    await request.locator('[data-test=booking-status] >> text=已举行').waitFor(wait)
    await founder.reload()
    await booking.locator('[data-test=booking-status] >> text=已举行').waitFor(wait)
    await shot(founder, 'mentor-session-held')

    // The space shows the mentoring it hosted, and the program counts it.
    const visitor = await open(browser, 1280, errors)
    await visitor.goto(base + `/spaces/${space}`)
    await visitor.waitForSelector('[data-test=mentoring-session]', wait)
    assert.match(await visitor.locator('[data-test=mentoring-held]').innerText(), /近 12 个月举行 [1-9]\d* 次/)
    const figures = (await api('/stats/program')).figures
    assert.ok(figures.find((f) => f.key === 'share.mentoring').value > 0, 'mentoring coverage counts the held session')
    for (const p of [mentor, admin, founder, visitor]) await p.context().close()
  })
})
