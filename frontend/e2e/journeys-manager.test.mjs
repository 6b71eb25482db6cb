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
    const title = `E2E 仅受邀路演 ${run}`
    await host.fill('[data-test=schedule] input[name=title]', title)
    await host.selectOption('[data-test=schedule] select[name=visibility]', 'invited')
    await host.fill('[data-test=schedule] input[name=slotSearch]', demoShow.slots[0].startupName)
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
})
