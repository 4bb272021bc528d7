import { reactive, ref, watch, type Ref } from 'vue'
import { useErrors } from './useErrors.ts'

export interface PageRequest {
  limit: number
  offset: number
}
export interface PageResult<T> {
  items: T[]
  total: number
}

export interface PagedListOptions<T, F extends object> {
  /** The filters as they start (and as "reset" puts them back). */
  filters: F
  /** Fetches one page for the filters. */
  fetch: (filters: F, page: PageRequest) => Promise<PageResult<T>>
  /** Filters that search again as soon as they change (the others wait for `search()`, e.g. a text box on Enter). */
  searchOn?: (keyof F)[]
  pageSize?: number
}

/**
 * A paged, filtered list (the console's tables): loads at once, again when the page or page size changes,
 * and from page 1 on `search()`. A failed load empties the list and sets `error` to the error's text.
 */
export function usePagedList<T, F extends object>(options: PagedListOptions<T, F>) {
  const { errorText } = useErrors()
  const filters = reactive({ ...options.filters }) as F
  const page = reactive({ current: 1, size: options.pageSize ?? 20 })
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function reload() {
    loading.value = true
    error.value = null
    try {
      const res = await options.fetch(filters, { limit: page.size, offset: (page.current - 1) * page.size })
      rows.value = res.items
      total.value = res.total
    } catch (err) {
      rows.value = []
      total.value = 0
      error.value = errorText(err)
    } finally {
      loading.value = false
    }
  }
  /** Loads from the first page (going back to page 1 loads by itself). */
  function search() {
    if (page.current !== 1) page.current = 1
    else void reload()
  }
  function resetFilters() {
    Object.assign(filters, options.filters)
    search()
  }

  const searchOn = options.searchOn ?? []
  if (searchOn.length) watch(() => searchOn.map((key) => filters[key]), search)
  watch(
    () => [page.current, page.size],
    () => reload(),
  )
  void reload()

  return { filters, page, rows, total, loading, error, reload, search, resetFilters }
}
