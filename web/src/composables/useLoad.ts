import { ref, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { useErrors } from './useErrors.ts'

/**
 * What a console page shows and loads again after a change (a list, a meeting, a pact): `load()` fetches it,
 * `loading` is true meanwhile; a failure keeps what is shown and says why in a message. Unlike usePagedList it
 * neither loads by itself nor pages: the page calls `load` (on mount, when a filter changes).
 */
export function useLoad<T>(fetch: () => Promise<T>, initial: T) {
  const { errorText } = useErrors()
  const data = ref(initial) as Ref<T>
  const loading = ref(false)
  async function load() {
    loading.value = true
    try {
      data.value = await fetch()
    } catch (err) {
      ElMessage.error(errorText(err))
    } finally {
      loading.value = false
    }
  }
  return { data, loading, load }
}
