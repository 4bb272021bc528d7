import { ref, type Ref } from 'vue'
import { useErrors } from '../../composables/useErrors.ts'

export interface CursorPage<T> {
  items: T[]
  nextBefore: string | null
}

/**
 * A newest-first feed paged by cursor (`before=<last id>`), as GET /api/diary answers — it has no total and no
 * offset, so the console's usePagedList does not fit. `refresh()` loads the first page again (pull-to-refresh,
 * new filters), `loadMore()` the next; an answer that arrives after a newer refresh is dropped.
 */
export function useCursorFeed<T extends { id: string }>(fetch: (before: string | null) => Promise<CursorPage<T>>) {
  const { errorText } = useErrors()
  const items = ref([]) as Ref<T[]>
  const nextBefore = ref<string | null>(null)
  const finished = ref(false)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  let generation = 0

  async function load(reset: boolean) {
    if (reset) generation++
    else if (finished.value || loading.value) return
    const mine = generation
    loading.value = true
    error.value = null
    try {
      const page = await fetch(reset ? null : nextBefore.value)
      if (mine !== generation) return
      if (reset) items.value = page.items
      else {
        const seen = new Set(items.value.map((i) => i.id))
        items.value = [...items.value, ...page.items.filter((i) => !seen.has(i.id))]
      }
      nextBefore.value = page.nextBefore
      finished.value = !page.nextBefore
      loaded.value = true
    } catch (err) {
      if (mine !== generation) return
      if (reset) items.value = []
      error.value = errorText(err)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Put a changed entry in place (after a comment or a review). */
  function replace(item: T) {
    items.value = items.value.map((i) => (i.id === item.id ? item : i))
  }

  return { items, nextBefore, finished, loading, loaded, error, refresh: () => load(true), loadMore: () => load(false), replace }
}
