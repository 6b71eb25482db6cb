import { ref } from 'vue'
import { api, type Reason, type Taxonomy } from './api'
import { pick, t, has } from './i18n'

// The deployment's sectors, stages and districts, loaded once.
export const taxonomy = ref<{ sectors: any[]; stages: any[]; districts: any[]; families: any[] }>({ sectors: [], stages: [], districts: [], families: [] })
let loading: Promise<void> | null = null

export function loadTaxonomy(): Promise<void> {
  if (!loading) loading = api<Taxonomy>('GET', '/taxonomy').then((t) => { taxonomy.value = t })
  return loading
}

// codeName is a sector's, stage's or district's name in the current
// language; an unknown code shows as itself.
export function codeName(list: 'sectors' | 'stages' | 'districts' | 'families', code: string): string {
  const x = (taxonomy.value[list] || []).find((i: any) => i.code === code)
  return x ? pick(x) : code
}

// pipelineStages are an investor's pipeline columns, in order (fixed by
// the API, as domain.PipelineStages).
export const pipelineStages = ['watching', 'contacted', 'meeting', 'due-diligence', 'term-sheet', 'invested', 'passed']

// Reason is one part of a match explanation as the server sends it
// (domain.Reason): the contract's own type, re-exported for the views
// that word reasons.
export type { Reason }

// Whose fit a reason speaks of: an investor's thesis or a mentor's
// expertise (the same scorer ranks both).
export type ReasonAbout = 'investor' | 'mentor'

// reasonKey is the i18n key of r's words: reason.<code>, with "_no" when
// it speaks against the match; for a mentor, reason.mentor.<…> where the
// investor's words would be wrong ("thesis").
export function reasonKey(r: Reason, about: ReasonAbout = 'investor'): string {
  const base = r.code + (r.ok ? '' : '_no')
  return about === 'mentor' && has('reason.mentor.' + base) ? 'reason.mentor.' + base : 'reason.' + base
}

// reasonText words r in the current language with the taxonomy's names;
// a code this app has no words for shows as itself.
export function reasonText(r: Reason, about: ReasonAbout = 'investor'): string {
  if (!has(reasonKey(r))) return r.code
  const num = (x?: number) => String(x ?? 0)
  return t(reasonKey(r, about), {
    sector: r.sector ? codeName('sectors', r.sector) : '',
    family: r.family ? codeName('families', r.family) : '',
    stage: r.stage ? codeName('stages', r.stage) : '',
    district: r.district ? codeName('districts', r.district) : '',
    ask: num(r.askWan),
    range: r.maxWan ? `${num(r.minWan)}–${num(r.maxWan)}` : `${num(r.minWan)}+`,
    contest: r.contest ?? '', place: num(r.place),
  })
}
