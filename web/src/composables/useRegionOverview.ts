import { computed, ref, watch, type Ref } from 'vue'
import type { RegionSummary } from '@minqing/common'
import { loadRegionOverview } from '../lib/overview.ts'
import { summaryTotals, type SummaryTotals } from '../lib/summary.ts'
import { useErrors } from './useErrors.ts'

/**
 * The overview (summary and subtree totals) of the region `code()` names, loaded at once and again whenever
 * it changes. No region: nothing to show. A failed load empties it and sets `error` to the error's text.
 */
export function useRegionOverview(code: () => string | null | undefined) {
  const { errorText } = useErrors()
  const summary = ref(null) as Ref<RegionSummary | null>
  const overallTotals = ref<SummaryTotals | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(regionCode: string | null | undefined) {
    if (!regionCode) {
      summary.value = null
      overallTotals.value = null
      return
    }
    loading.value = true
    error.value = null
    try {
      const overview = await loadRegionOverview(regionCode)
      summary.value = overview.summary
      overallTotals.value = overview.totals
    } catch (err) {
      summary.value = null
      overallTotals.value = null
      error.value = errorText(err)
    } finally {
      loading.value = false
    }
  }
  watch(code, load, { immediate: true })

  const totals = computed(() => overallTotals.value ?? summaryTotals(summary.value))
  return { summary, totals, loading, error, reload: () => load(code()) }
}
