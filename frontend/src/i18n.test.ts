import { describe, it, expect } from 'vitest'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { texts, t, lang } from './i18n'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? sources(p) : /\.(vue|ts)$/.test(f) && !f.endsWith('.test.ts') ? [p] : []
  })
}

describe('texts', () => {
  it('has both languages for every key the app uses', () => {
    const used = new Set<string>()
    const prefixes = new Set<string>()
    for (const f of sources(__dirname)) {
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(/\bt\('([^']+)'(\s*\+)?/g)) (m[2] ? prefixes : used).add(m[1])
    }
    const missing = [...used].filter((k) => !texts[k] || !texts[k][0] || !texts[k][1])
    expect(missing).toEqual([])
    // Every key resolves through vue-i18n in both languages to its own
    // text, with the placeholders filled (its message syntax gives "@", "|"
    // and braces meanings of their own).
    const unresolved: string[] = []
    for (const [i, l] of (['zh', 'en'] as const).entries()) {
      lang.value = l
      for (const [k, pair] of Object.entries(texts)) {
        const vars = Object.fromEntries([...pair.join(' ').matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 1]))
        if (t(k, vars) !== pair[i].replace(/\{\w+\}/g, '1')) unresolved.push(`${l}:${k}`)
      }
    }
    lang.value = 'zh'
    expect(unresolved).toEqual([])
    for (const p of prefixes) expect(Object.keys(texts).some((k) => k.startsWith(p)), `no texts for ${p}*`).toBe(true)
    expect(used.size).toBeGreaterThan(100)
  })
  it('fills in values and switches language', () => {
    lang.value = 'zh'
    expect(t('registryCounts', { good: 2, bad: 1 })).toBe('2 行可导入，1 行有问题')
    lang.value = 'en'
    expect(t('registryCounts', { good: 2, bad: 1 })).toBe('2 rows ready, 1 with problems')
    lang.value = 'zh'
  })
})
