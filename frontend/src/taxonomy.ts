import { ref } from 'vue'
import { api, type Taxonomy } from './api'
import { pick } from './i18n'

// The deployment's sectors, stages and districts, loaded once.
export const taxonomy = ref<{ sectors: any[]; stages: any[]; districts: any[] }>({ sectors: [], stages: [], districts: [] })
let loading: Promise<void> | null = null

export function loadTaxonomy(): Promise<void> {
  if (!loading) loading = api<Taxonomy>('GET', '/taxonomy').then((t) => { taxonomy.value = t })
  return loading
}

// codeName is a sector's, stage's or district's name in the current
// language; an unknown code shows as itself.
export function codeName(list: 'sectors' | 'stages' | 'districts', code: string): string {
  const x = taxonomy.value[list].find((i: any) => i.code === code)
  return x ? pick(x) : code
}

// pipelineStages are an investor's pipeline columns, in order (fixed by
// the API, as domain.PipelineStages).
export const pipelineStages = ['watching', 'contacted', 'meeting', 'due-diligence', 'term-sheet', 'invested', 'passed']
