// Service providers in the browser (#18): a provider registers and is
// verified, a founder finds them in the directory by kind and sends a
// request, the provider answers it, and the founder closes it.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, signUp, shot } from './browser.mjs'

const run = Date.now().toString(36)
const providerName = `E2E检测认证中心${run}`
const subject = `车规认证咨询${run}`
const errors = []
let browser

describe('service providers', () => {
  before(async () => { browser = await launch() })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('a provider answers a request', async () => {
    const provider = await open(browser, 1280, errors)
    await signUp(provider, 'provider', providerName, `provider-${run}@e2e.test`)
    await provider.goto(base + '/me/provider')
    await provider.waitForSelector('[data-test=provider-editor]', wait)
    await provider.check('input[data-kind=testing]')
    await provider.fill('textarea[name=description]', '电子产品与汽车电子的检测认证')
    await provider.click('[data-test=provider-save]')
    await provider.waitForSelector('[data-test=provider-saved]', wait)
    await provider.waitForSelector('[data-test=provider-unverified]', wait)

    const admin = await open(browser, 1280, errors)
    await signIn(admin, 'admin@demo.yuechuang.cn', 'yuechuang2026')
    await admin.goto(base + '/admin')
    const queued = admin.locator('[data-test=unverified-provider]', { hasText: providerName })
    await queued.waitFor(wait)
    await queued.locator('[data-test=verify-provider]').click()
    await queued.waitFor({ state: 'detached', ...wait })

    // The founder finds the provider by kind of service and asks.
    const founder = await open(browser, 1280, errors)
    await signIn(founder, 'founder@demo.yuechuang.cn', 'yuechuang2026')
    await founder.goto(base + '/services')
    await founder.selectOption('select[name=kind]', 'testing')
    const card = founder.locator('[data-test=provider-card]', { hasText: providerName })
    await card.waitFor(wait)
    await card.locator('[data-test=request-form] summary').click()
    await card.locator('input[name=subject]').fill(subject)
    await card.locator('textarea[name=message]').fill('我们的 MCU 需要 AEC-Q100 认证，请问流程和周期？')
    await card.locator('[data-test=request-send]').click()
    await card.locator('[data-test=request-sent]').waitFor(wait)
    const mine = founder.locator('[data-test=request]', { hasText: subject })
    await mine.locator('[data-test=request-status] >> text=待答复').waitFor(wait)

    // The provider answers.
    await provider.reload()
    const incoming = provider.locator('[data-test=request]', { hasText: subject })
    await incoming.waitFor(wait)
    await incoming.locator('textarea').fill('AEC-Q100 全套约 8 周，可先做预评估。')
    await incoming.locator('[data-test=request-answer-form] button').click()
    await incoming.locator('[data-test=request-status] >> text=已答复').waitFor(wait)
    await shot(provider, 'provider-answered')

    // The founder reads the answer and closes the request.
    await founder.reload()
    await mine.locator('[data-test=request-answer] >> text=可先做预评估').waitFor(wait)
    await mine.locator('[data-test=request-close]').click()
    await mine.locator('[data-test=request-status] >> text=已关闭').waitFor(wait)
    for (const p of [provider, admin, founder]) await p.context().close()
  })
})
