// The maker-space manager's, the city admin's and everyone's journeys
// (issue #15), played in separate browsers against the demo platform that
// scripts/e2e.sh starts. Screenshots of the new screens go to test-artifacts/.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, signUp, shot, api } from './browser.mjs'

const run = Date.now().toString(36)
const errors = []
let browser

describe('manager, admin and everyone', () => {
  before(async () => { browser = await launch() })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('a manager invites an investor to an invitation-only roadshow; the investor accepts and enters', async () => {
    const guestEmail = `guest-${run}@e2e.test`
    const guest = await open(browser, 1280, errors)
    await signUp(guest, 'investor', `E2E受邀投资人${run}`, guestEmail)

    const host = await open(browser, 1280, errors)
    await signIn(host, 'manager@demo.yuechuang.cn', 'yuechuang2026')
    await host.goto(base + '/me/space')
    await host.waitForSelector('[data-test=schedule]', wait)
    // A demo space of this manager hosts it, with a published demo startup on the agenda.
    const demoShow = (await api('/roadshows?pageSize=50')).items.find((r) => r.slots.length)
    const demoSpace = await api(`/spaces/${demoShow.spaceId}`)
    await host.click(`button:has-text("${demoSpace.name}")`)
    // The registry import says which columns it reads and takes the names people write (柯桥, 天使).
    await host.click('[data-test=registry-columns] summary')
    await host.waitForSelector('[data-test=registry-column][data-field=stage] >> text=天使', wait)
    const sector = (await api('/taxonomy')).sectors[0].zh
    const sheet = `企业名称,所属行业,融资阶段,所在区县\nE2E别名企业${run},${sector},天使,柯桥\n`
    await host.setInputFiles('[data-test=registry-file]', { name: 'registry.csv', mimeType: 'text/csv', buffer: Buffer.from(sheet) })
    await host.waitForSelector('[data-test=registry-preview] >> text=1 行可导入，0 行有问题', wait)
    await shot(host, 'manager-registry-columns')
    const title = `E2E 仅受邀路演 ${run}`
    await host.fill('[data-test=schedule] input[name=title]', title)
    await host.selectOption('[data-test=schedule] select[name=visibility]', 'invited')
    await host.fill('[data-test=schedule] input[name=slotSearch]', demoShow.slots[0].startupName)
    // The picker tells same-named startups apart: district and founder beside each name.
    await host.waitForSelector('[data-test=slot-candidate] [data-test=slot-owner]', wait)
    assert.ok((await host.locator('[data-test=slot-candidate] [data-test=slot-district]').first().innerText()).length > 0)
    await shot(host, 'manager-agenda-picker')
    await host.click('[data-test=add-slot] >> nth=0')
    await host.click('[data-test=schedule-submit]')
    // An invitation-only roadshow opens on its page, where the guests are invited.
    await host.waitForSelector('[data-test=guests]', wait)
    const path = new URL(host.url()).pathname

    // Before the invitation the investor does not even know it exists.
    await guest.goto(base + path)
    await guest.waitForSelector('[data-test=error] >> text=没有找到', wait)

    // The host finds the investor by email and invites them.
    await host.fill('[data-test=guests] input[name=guestSearch]', guestEmail)
    await host.locator('[data-test=guest-candidate]', { hasText: `E2E受邀投资人${run}` }).locator('[data-test=invite-guest]').click()
    await host.waitForSelector(`[data-test=guest][data-status=invited] >> text=E2E受邀投资人${run}`, wait)
    await shot(host, 'manager-guests')

    // The investor hears of it, opens it from the bell, accepts and is registered.
    await guest.goto(base + '/roadshows')
    await guest.waitForSelector(`[data-test=guest-invitations] >> text=${title}`, wait)
    await guest.waitForSelector('[data-test=bell][data-loaded=true]', wait)
    await guest.waitForSelector('[data-test=unread]', wait)
    await guest.click('[data-test=bell]')
    await guest.click(`[data-test=note] >> text=路演邀请：${title}`)
    await guest.waitForSelector('[data-test=guest-invitation][data-answer=invited]', wait)
    assert.equal(await guest.locator('[data-test=enter]').count(), 0, 'the room is offered before the invitation is accepted')
    await shot(guest, 'guest-invitation')
    await guest.click('[data-test=accept-guest]')
    await guest.waitForSelector('[data-test=guest-invitation][data-answer=accepted]', wait)
    await guest.waitForSelector('[data-test=registered-count] >> text=1 人报名', wait)
    // The count is the server's, not the page's own arithmetic: a reload says the same.
    await guest.reload()
    await guest.waitForSelector('[data-test=registered-count] >> text=1 人报名', wait)
    await guest.click('[data-test=enter]')
    await guest.waitForURL(/\/live$/, wait)
    await guest.waitForSelector('[data-test=presence]', wait)
    assert.equal(await guest.locator('[data-test=room-gate]').count(), 0, 'the accepted guest was stopped at the door')

    // The host sees the answer.
    await host.reload()
    await host.waitForSelector(`[data-test=guest][data-status=accepted] >> text=E2E受邀投资人${run}`, wait)
    // Removing a guest asks first.
    await host.click('[data-test=guest] [data-test=remove-guest]')
    await host.waitForSelector('[data-test=guests] [data-test=confirm]', wait)
    await shot(host, 'manager-confirm-remove')
    await host.click('[data-test=guests] [data-test=confirm-no]')
    await host.waitForSelector(`[data-test=guest][data-status=accepted]`, wait)
    await guest.close()
    await host.close()
  })

  it('the host reads the record of a past demo roadshow: who came, the interest, the questions with their votes and answers', async () => {
    const past = (await api('/roadshows?status=ended&pageSize=50')).items.find((r) => r.title === '越创汇·第十二期创客项目路演')
    assert.ok(past, 'the demo set has its past roadshows')
    const host = await open(browser, 1280, errors)
    await signIn(host, 'manager@demo.yuechuang.cn', 'yuechuang2026')
    // Listed among the ended roadshows, it opens on its page with its record.
    await host.goto(base + '/roadshows')
    await host.click('button:has-text("已结束")')
    await host.click(`a:has-text("${past.title}")`)
    await host.waitForSelector('[data-test=record] [data-test=record-question]', wait)
    const record = host.locator('[data-test=record]')
    const came = Number((await record.innerText()).match(/(\d+) 人参加/)?.[1])
    assert.ok(came >= 20, `attendance: ${came}`)
    const interest = record.locator('[data-test=record-interest]')
    assert.equal(await interest.count(), 3, 'a line of interest per presenter')
    for (const s of past.slots) await record.locator('[data-test=record-interest]', { hasText: s.startupName }).waitFor(wait)
    assert.ok(await record.locator('[data-test=record-question]').count() >= 20)
    assert.ok(await record.locator('[data-test=record-question] .tag.ok').count() > 0, 'some questions were answered')
    const votes = (await record.locator('[data-test=record-question]').allInnerTexts()).map((q) => Number(q.match(/▲ (\d+)/)?.[1]))
    assert.ok(Math.max(...votes) > 1, `votes: ${votes}`)
    // The host sees who was interested; a visitor sees only how many.
    const names = await interest.locator('.muted').allInnerTexts()
    assert.ok(names.some((n) => n.length > 0), 'the host sees the interested investors')
    await shot(host, 'manager-past-roadshow-record')
    const visitor = await open(browser, 1280, errors)
    await visitor.goto(base + `/roadshows/${past.id}`)
    await visitor.waitForSelector('[data-test=record] [data-test=record-interest]', wait)
    assert.deepEqual((await visitor.locator('[data-test=record-interest] .muted').allInnerTexts()).filter((n) => n.length), [])
  })

  it('an admin rejects a verification with a reason and the investor sees why', async () => {
    const name = `E2E待认证投资人${run}`
    const inv = await open(browser, 1280, errors)
    await signUp(inv, 'investor', name, `verify-${run}@e2e.test`)
    await inv.goto(base + '/me/investor')
    await inv.waitForSelector('[data-test=thesis]', wait)
    await inv.fill('[data-test=thesis] input[name=name]', name)
    await inv.check('[data-test=thesis] input[value="angel"]')
    await inv.click('[data-test=thesis] button.primary')
    await inv.waitForSelector('[data-test=thesis] >> text=已保存', wait)
    // The page says what to do next: submit evidence an admin can check.
    await inv.waitForSelector('[data-test=verification][data-status=""] [data-test=evidence-form], [data-test=verification] [data-test=evidence-form]', wait)
    await inv.fill('[data-test=evidence-form] input[name=evOrganization]', '鉴湖天使俱乐部')
    await inv.fill('[data-test=evidence-form] input[name=evTitle]', '合伙人')
    await inv.fill('[data-test=evidence-form] input[name=evLicence]', '91330600MA2E2E0001')
    await inv.click('[data-test=submit-evidence]')
    await inv.waitForSelector('[data-test=verification-pending]', wait)

    const admin = await open(browser, 1280, errors)
    await signIn(admin, 'admin@demo.yuechuang.cn', 'yuechuang2026')
    await admin.goto(base + '/admin')
    const card = admin.locator('[data-test=unverified]', { hasText: name })
    await card.waitFor(wait)
    assert.match(await card.locator('[data-test=evidence]').innerText(), /91330600MA2E2E0001/)
    assert.match(await card.locator('[data-test=evidence]').innerText(), /鉴湖天使俱乐部/)
    await card.locator('[data-test=reject]').click()
    await card.locator('select[name=reason]').selectOption('evidence_unverifiable')
    await card.locator('textarea[name=note]').fill('营业执照号查询不到，请上传最新执照')
    await shot(admin, 'admin-verification-reject')
    await card.locator('[data-test=reject-confirm]').click()
    await admin.waitForSelector(`[data-test=unverified][data-state=rejected] >> text=${name}`, wait)

    // The investor is told, and the page says why.
    await inv.waitForSelector('[data-test=unread]', wait)
    await inv.click('[data-test=bell]')
    await inv.click(`[data-test=note] >> text=认证未通过：${name}`)
    await inv.waitForURL(/\/me\/investor$/, wait)
    await inv.waitForSelector('[data-test=verification-rejected] >> text=材料无法核实', wait)
    await inv.waitForSelector('[data-test=verification-note] >> text=营业执照号查询不到', wait)
    // The banner at the top agrees: declined, not "awaiting verification".
    await inv.waitForSelector('[data-test=investor-state][data-state=rejected] >> text=认证未通过', wait)
    assert.equal(await inv.locator('text=档案待管理员认证').count(), 0)
    // The rejection card sits below the onboarding steps: the picture is of it.
    await shot(inv, 'investor-verification-rejected', '[data-test=verification-rejected]')
    await inv.close()
    await admin.close()
  })

  it('someone who forgot their password gets back in through the admin\'s one-time link', async () => {
    const email = `forgot-${run}@e2e.test`
    const user = await open(browser, 1280, errors)
    // The header offers sign-up to a visitor.
    await user.goto(base + '/')
    await user.click('[data-test=header-register]')
    await user.waitForSelector('input[name=name]', wait)
    await user.fill('input[name=email]', email)
    await user.fill('input[name=password]', 'first-e2e-passphrase')
    await user.fill('input[name=name]', `E2E忘记密码${run}`)
    await user.click('form button.primary')
    await user.waitForURL((u) => !u.pathname.startsWith('/login'), wait)
    await user.context().clearCookies()
    await user.evaluate(() => localStorage.clear())

    // No mail here: the page says to ask an admin.
    await user.goto(base + '/login')
    await user.click('[data-test=forgot-link]')
    await user.fill('[data-test=forgot] input[name=email]', email)
    await user.click('[data-test=forgot] button.primary')
    await user.waitForSelector('[data-test=reset-ask-admin]', wait)

    const admin = await open(browser, 1280, errors)
    await signIn(admin, 'admin@demo.yuechuang.cn', 'yuechuang2026')
    await admin.goto(base + '/admin')
    await admin.fill('[data-test=reset-link] input[name=resetEmail]', email)
    await admin.click('[data-test=issue-reset-link]')
    const link = await admin.locator('[data-test=reset-link-url]').inputValue(wait)
    assert.match(link, /\/reset\?token=/)
    await shot(admin, 'admin-reset-link')

    await user.goto(link)
    await user.fill('[data-test=reset] input[name=newPassword]', 'second-e2e-passphrase')
    await user.fill('[data-test=reset] input[name=repeatPassword]', 'second-e2e-passphrase')
    await shot(user, 'password-reset')
    await user.click('[data-test=reset-submit]')
    await user.waitForSelector('[data-test=password-reset-done]', wait)
    await user.waitForSelector(`[data-test=account] >> text=E2E忘记密码${run}`, wait)
    // The link works once.
    await user.goto(link)
    await user.fill('[data-test=reset] input[name=newPassword]', 'third-e2e-passphrase')
    await user.fill('[data-test=reset] input[name=repeatPassword]', 'third-e2e-passphrase')
    await user.click('[data-test=reset-submit]')
    await user.waitForSelector('[data-test=error] >> text=重置链接无效或已使用', wait)
    const again = await open(browser, 1280, errors)
    await signIn(again, email, 'second-e2e-passphrase')
    await again.close()
    await user.close()
    await admin.close()
  })

  it('the dashboard shows each target with its pace, districts against theirs, and the target on the trend', async () => {
    const admin = await open(browser, 1280, errors)
    await signIn(admin, 'admin@demo.yuechuang.cn', 'yuechuang2026')
    await admin.goto(base + '/dashboard')
    await admin.waitForSelector('[data-test=pace-table] [data-test=pace-row][data-key=startups]', wait)
    const status = await admin.locator('[data-test=pace-row][data-key=startups]').getAttribute('data-status')
    assert.ok(['reached', 'on_track', 'behind', 'missed', 'unknown'].includes(status), `pace ${status}`)
    // The plan's year shows, and the trend names the line it draws for the target.
    await admin.waitForSelector('[data-test=pace-table] >> text=年目标进度', wait)
    await admin.selectOption('select[name=trend]', 'startups')
    await admin.waitForSelector('[data-test=target-note] >> text=灰色点线为目标', wait)
    // A district target set in the editor is counted against at once.
    await admin.fill('[data-test=targets] input[name="district.keqiao.startups"]', '40')
    await admin.click('[data-test=targets-save]')
    await admin.waitForSelector('[data-test=targets] >> text=已保存', wait)
    await admin.waitForSelector('[data-test=district-row][data-district=keqiao] >> text=/ 40', wait)
    assert.match(await admin.locator('[data-test=district-row][data-district=keqiao]').innerText(), /\d+%/)
    await admin.locator('[data-test=district-table]').scrollIntoViewIfNeeded()
    await admin.waitForTimeout(1000) // let the bars finish growing before the picture
    await admin.screenshot({ path: new URL('../../test-artifacts/dashboard-districts.png', import.meta.url).pathname })
    await admin.close()
  })
})
