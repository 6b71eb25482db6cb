import { describe as group, it, expect } from 'vitest'
import { describe, linkOf, noteSince, NO_NOTES } from './notes'
import { lang } from './i18n'

group('notifications', () => {
  it('reads in the chosen language and links to where to act', () => {
    const n = { type: 'interest', data: { investorName: '王' , startupName: '越芯', startupId: 's1' } }
    lang.value = 'zh'
    expect(describe(n)).toBe('王 对 越芯 感兴趣')
    lang.value = 'en'
    expect(describe(n)).toBe('王 is interested in 越芯')
    expect(linkOf(n)).toBe('/startups/s1')
    expect(linkOf({ type: 'roadshow.soon', data: { roadshowId: 'r1' } })).toBe('/roadshows/r1')
    expect(linkOf({ type: 'intro.accepted', data: {} })).toBe('/me/intros')
    expect(describe({ type: 'unknown.kind' })).toBe('unknown.kind')
  })

  it('starts the live socket where the loaded list ends, even when it is empty', () => {
    expect(noteSince([])).toBe(NO_NOTES)
    expect(NO_NOTES).toMatch(/^0{24}$/)
    const ids = ['6a0000000000000000000002', '6a0000000000000000000009', '6a0000000000000000000005']
    expect(noteSince(ids.map((id) => ({ id })))).toBe('6a0000000000000000000009')
  })
})
