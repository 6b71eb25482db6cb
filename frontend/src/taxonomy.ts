import { ref } from 'vue'
import { api } from './api'

// The deployment's sectors, stages and districts, loaded once.
export const taxonomy = ref<{ sectors: any[]; stages: any[]; districts: any[] }>({ sectors: [], stages: [], districts: [] })
let loading: Promise<void> | null = null

export function loadTaxonomy(): Promise<void> {
  if (!loading) loading = api('GET', '/taxonomy').then((t) => { taxonomy.value = t })
  return loading
}
