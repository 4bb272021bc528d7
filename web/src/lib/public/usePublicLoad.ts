import { onMounted, ref, type Ref } from 'vue'
import { ApiError } from '../../api/client.ts'
import { useErrors } from '../../composables/useErrors.ts'

/** Why a resident's page has nothing to show: an unknown or malformed code in the address, or the reason to try again. */
interface PublicLoadError {
  title: string
  notFound: boolean
}

/**
 * The data of a resident's page (民情码 report, tracking, 亮约 board), fetched when the page mounts and by `load()`
 * again (retry, a new form token). `loading` is true only while there is nothing to show yet: a reload keeps the
 * page. `error` is the last failure, cleared by a success: `notFound` for 404 and 400 (a code that does not exist
 * or cannot), else the reason in words (请稍后再试 for 429, the network…). `load` never throws. The console's
 * useLoad says its failures with Element Plus's ElMessage; these pages are Vant's and show them in place
 * (PublicLoadState).
 */
export function usePublicLoad<T>(fetch: () => Promise<T>) {
  const { describe } = useErrors()
  const data = ref(null) as Ref<T | null>
  const loading = ref(true)
  const error = ref<PublicLoadError | null>(null)

  async function load() {
    loading.value = data.value === null
    try {
      data.value = await fetch()
      error.value = null
    } catch (err) {
      error.value = { title: describe(err).title, notFound: err instanceof ApiError && (err.status === 404 || err.status === 400) }
    } finally {
      loading.value = false
    }
  }
  onMounted(load)

  return { data, loading, error, load }
}

/** What PublicLoadState is handed: the whole of one usePublicLoad. */
export type PublicLoad<T = unknown> = ReturnType<typeof usePublicLoad<T>>
