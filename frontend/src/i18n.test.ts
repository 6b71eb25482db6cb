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
  // The delivery settings list every type the server names (t('nt.' + ty)).
  it('has words for every notification type the server offers', () => {
    const notify = readFileSync(join(__dirname, '..', '..', 'server/domain/notify.go'), 'utf8')
    const value = Object.fromEntries([...notify.matchAll(/^\t(Note\w+)\s*=\s*"([\w.]+)"/gm)].map((m) => [m[1], m[2]]))
    const list = notify.slice(notify.indexOf('NotificationTypes = []string{'))
    const names = list.slice(list.indexOf('{') + 1, list.indexOf('}')).split(',').map((n) => n.trim()).filter(Boolean)
    expect(names.length, 'domain.NotificationTypes in server/domain/notify.go').toBeGreaterThan(20)
    expect(names.filter((n) => !value[n]), 'names in NotificationTypes without a value').toEqual([])
    const missing = names.map((n) => 'nt.' + value[n]).filter((k) => !texts[k] || !texts[k][0] || !texts[k][1])
    expect(missing).toEqual([])
  })
  // Keys built at run time, like t(r.status), escape the literal scan
  // above. Every t() call whose key is not a string literal must be listed
  // here with the values its expression can take, read from where the
  // server defines them, so that a new status or action without a text (or
  // a new computed call nobody listed) fails.
  it('has both languages for every key built at run time', () => {
    const root = join(__dirname, '..', '..')
    const openapi = JSON.parse(readFileSync(join(root, 'server/httpapi/openapi.json'), 'utf8'))
    const roadshowStatuses: string[] = openapi.components.schemas.Roadshow.properties.status.enum
    const registry = readFileSync(join(root, 'server/app/registry.go'), 'utf8')
    const registryActions = [...new Set([...registry.matchAll(/\.Action = "(\w+)"/g)].map((m) => m[1]))]
    expect(roadshowStatuses.length, 'roadshow statuses in openapi.json').toBeGreaterThan(1)
    expect(registryActions.length, 'registry row actions in server/app/registry.go').toBeGreaterThan(1)
    // Match reasons: every code and its ok/not form that server/app/reasons.go makes.
    const reasonsGo = readFileSync(join(root, 'server/app/reasons.go'), 'utf8')
    const reasonKeys = [...new Set([
      ...[...reasonsGo.matchAll(/(?:\br\(|Code: |cheque\.Code, cheque\.OK = )"(\w+)",? (?:OK: )?(true|false)/g)].map((m) => 'reason.' + m[1] + (m[2] === 'true' ? '' : '_no')),
      ...[...reasonsGo.matchAll(/cheque\.Code = "(\w+)"\n/g)].map((m) => 'reason.' + m[1] + '_no'),
    ])]
    expect(reasonKeys.length, 'reason codes in server/app/reasons.go').toBeGreaterThan(15)
    const domains: Record<string, string[]> = {
      'reasonKey(r, about)': reasonKeys, // taxonomy.ts's reasonText (a mentor's words fall back to these)
      'r.status': roadshowStatuses, // roadshow lists and pages
      s: roadshowStatuses, // the roadshow list's status filter buttons
      "(preview.committed ? 'done.' : 'action.') + r.action": registryActions.flatMap((a) => ['done.' + a, 'action.' + a]),
    }
    const unlisted: string[] = []
    const missing: string[] = []
    const seen = new Set<string>()
    for (const f of sources(__dirname)) {
      if (f.endsWith('i18n.ts')) continue // where t is defined
      const src = readFileSync(f, 'utf8')
      for (const m of src.matchAll(/(?<![\w.$])t\(/g)) {
        // The first argument, up to a comma or the closing parenthesis at depth 0.
        let depth = 0
        let i = m.index! + 2
        const start = i
        for (; i < src.length; i++) {
          const c = src[i]
          if (c === '(') depth++
          else if (c === ')' && depth-- === 0) break
          else if (c === ',' && depth === 0) break
        }
        const arg = src.slice(start, i).replace(/\s+/g, ' ').trim()
        if (/^'[^']*'$/.test(arg) || /^'[^']*' \+/.test(arg)) continue // literal keys and prefixes: checked above
        const values = domains[arg]
        seen.add(arg)
        if (!values) {
          unlisted.push(`${f.slice(root.length + 1)}: t(${arg})`)
          continue
        }
        for (const k of values) if (!texts[k] || !texts[k][0] || !texts[k][1]) missing.push(`${k} (from t(${arg}))`)
      }
    }
    expect(unlisted, 'computed keys with no known values: list them in this test').toEqual([])
    expect([...new Set(missing)]).toEqual([])
    expect(Object.keys(domains).filter((k) => !seen.has(k)), 'listed computed keys no longer used').toEqual([])
  })
  it('fills in values and switches language', () => {
    lang.value = 'zh'
    expect(t('registryCounts', { good: 2, bad: 1 })).toBe('2 行可导入，1 行有问题')
    lang.value = 'en'
    expect(t('registryCounts', { good: 2, bad: 1 })).toBe('2 rows ready, 1 with problems')
    lang.value = 'zh'
  })
})
