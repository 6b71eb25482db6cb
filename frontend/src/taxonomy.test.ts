import { describe, it, expect } from 'vitest'
import { taxonomy, reasonText } from './taxonomy'
import { lang } from './i18n'

describe('reasonText', () => {
  taxonomy.value = {
    sectors: [{ code: 'ic', zh: '集成电路', en: 'Integrated circuits', family: 'hardware' }],
    families: [{ code: 'hardware', zh: '硬科技', en: 'Hardware' }],
    stages: [{ code: 'angel', zh: '天使轮', en: 'Angel' }],
    districts: [{ code: 'keqiao', zh: '柯桥区', en: 'Keqiao' }],
  }
  it('words the codes with the taxonomy names in the current language', () => {
    lang.value = 'zh'
    expect(reasonText({ code: 'sector_related', ok: true, sector: 'ic', family: 'hardware' })).toBe('集成电路 ≈ 属于关注的硬科技领域')
    expect(reasonText({ code: 'stage', ok: false, stage: 'angel' })).toBe('天使轮 不在关注阶段内')
    expect(reasonText({ code: 'cheque', ok: true, askWan: 300, minWan: 100, maxWan: 500 })).toBe('融资 300万元，在 100–500万元 单笔范围内')
    lang.value = 'en'
    expect(reasonText({ code: 'district', ok: false, district: 'keqiao' })).toBe('Keqiao (outside the thesis districts)')
    expect(reasonText({ code: 'cheque_near', ok: true, askWan: 80, minWan: 100 })).toBe('asks 80万, near the 100+万 cheque range')
    expect(reasonText({ code: 'feedback', ok: false })).toBe('like startups you passed on')
    lang.value = 'zh'
  })
  it("words a mentor's fit as expertise, falling back to the shared words", () => {
    lang.value = 'zh'
    expect(reasonText({ code: 'sector', ok: true, sector: 'ic' }, 'mentor')).toBe('集成电路 ✓ 在导师擅长行业内')
    expect(reasonText({ code: 'sector', ok: true, sector: 'ic' })).toBe('集成电路 ✓ 在关注行业内')
    expect(reasonText({ code: 'stage', ok: true, stage: 'angel' }, 'mentor')).toBe('天使轮 ✓')
    lang.value = 'en'
    expect(reasonText({ code: 'district', ok: false, district: 'keqiao' }, 'mentor')).toBe('Keqiao (outside the districts the mentor serves)')
    lang.value = 'zh'
  })
  it('shows a code it has no words for as the code, not a blank', () => {
    expect(reasonText({ code: 'contest_winner', ok: true })).toBe('contest_winner')
  })
})
