// The plan's other services in the browser (#18): the open support ledger.
// Run by `make test` against the demo platform scripts/e2e.sh starts.
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { base, wait, launch, open, signIn, shot, api } from './browser.mjs'

const run = Date.now().toString(36)
// Policies of this run only: the demo set has a ledger of its own.
const building = `众创空间建设补助E2E${run}`, award = `创业企业首次融资奖励E2E${run}`
const errors = []
let browser

describe('the open support ledger', () => {
  before(async () => { browser = await launch() })
  after(async () => {
    await browser?.close()
    assert.deepEqual(errors, [], 'uncaught errors in the pages')
  })

  it('an admin imports payments that then show publicly with totals', async () => {
    const space = (await api('/spaces?pageSize=1')).items[0]
    const startup = (await api('/startups?pageSize=1')).items[0]
    const district = (await api('/taxonomy')).districts.find((d) => d.code === space.district)
    const sheet = [
      '2026年度扶持资金兑现公示',
      '受助对象,对象编号,对象类型,金额（万元）,政策名称,文号,区县,兑现日期,状态,备注',
      `${space.name},,众创空间,120,${building},绍市科〔2026〕7号,${district.zh},2026/3/15,已兑现,`,
      // Demo startups may share a name: its id names it outright.
      `${startup.name},${startup.id},企业,35.5,${award},绍市科〔2026〕9号,,2026-04-01,已批准,`,
      `没有这家公司,,企业,10,${award},绍市科〔2026〕9号,,2026-04-01,已兑现,`,
    ].join('\n')
    const stored = (await api('/ledger')).total
    const admin = await open(browser, 1280, errors)
    await signIn(admin, 'admin@demo.yuechuang.cn', 'yuechuang2026')
    await admin.goto(base + '/ledger')
    await admin.setInputFiles('[data-test=import-file]', { name: 'payments.csv', mimeType: 'text/csv', buffer: Buffer.from(sheet) })
    // The preview says what each row would do, in words, before anything is stored.
    await admin.waitForSelector('[data-test=import-preview] >> text=2 行可导入，1 行有问题', wait)
    await admin.waitForSelector('[data-test=import-row].error >> text=平台上没有这个众创空间或企业', wait)
    assert.equal((await api('/ledger')).total, stored, 'a preview stores nothing')
    await shot(admin, 'ledger-import-preview')
    await admin.click('[data-test=import-commit]')
    await admin.waitForSelector('[data-test=import-preview] >> text=已导入', wait)

    // Anyone, signed out, reads the entries with their totals.
    const visitor = await open(browser, 1280, errors)
    await visitor.goto(base + '/ledger?q=' + encodeURIComponent(`E2E${run}`))
    await visitor.waitForSelector(`[data-test=ledger-row] >> text=${space.name}`, wait)
    await visitor.waitForSelector(`[data-test=ledger-row] >> text=${startup.name}`, wait)
    assert.match(await visitor.locator('[data-test=ledger-totals]').innerText(), /2 笔，共 155\.5 万元，其中已兑现 120 万元/)
    assert.match(await visitor.locator('[data-test=ledger-by-policy]').innerText(), new RegExp(`${building}\\s+120 万元`))
    assert.match(await visitor.locator('[data-test=ledger-by-district]').innerText(), new RegExp(`${district.zh}\\s+\\d`))
    await shot(visitor, 'ledger-public')
    // Filtered by policy, then exported as CSV with the same filter.
    await visitor.selectOption('select[name=policy]', award)
    await visitor.click('[data-test=ledger-filters] button.primary')
    await visitor.waitForFunction(() => document.querySelectorAll('[data-test=ledger-row]').length === 1, null, wait)
    assert.match(await visitor.locator('[data-test=ledger-totals]').innerText(), /1 笔，共 35\.5 万元/)
    assert.match(visitor.url(), /policy=/)
    const href = await visitor.locator('[data-test=ledger-csv]').getAttribute('href')
    const csv = await (await fetch(base + href)).text()
    assert.ok(csv.includes(startup.name) && !csv.includes(space.name), 'the export follows the filter')

    // The dashboard's financing figures come from the ledger and link to it.
    await visitor.goto(base + '/dashboard')
    const figures = visitor.locator('[data-test=support-figures]')
    await figures.locator('text=已兑现扶持资金（万元）').waitFor(wait)
    const paid = (await api('/stats/program')).figures.find((f) => f.key === 'support.paidWan').value
    assert.ok(paid >= 120, 'the figure counts the paid entry')
    assert.match(await figures.innerText(), new RegExp(`已兑现扶持资金（万元）\\s+${paid.toLocaleString('zh-CN')}`))
    await visitor.click('[data-test=ledger-link]')
    await visitor.waitForURL(/\/ledger$/, wait)
    await visitor.context().close()
    await admin.context().close()
  })
})
