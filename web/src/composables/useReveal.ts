import { onBeforeUnmount, reactive } from 'vue'
import { personsApi, type RevealField } from '../api/archive.ts'

/** How long a revealed ID number or phone stays on screen. */
export const REVEAL_SECONDS = 30

interface Revealed {
  value: string | null
  secondsLeft: number
}

/**
 * Full ID numbers / phones shown on request (POST /api/persons/:id/reveal, audited by the server), each for
 * {@link REVEAL_SECONDS} seconds, then masked again. Everything is forgotten when the component goes away.
 */
export function useReveal(reveal: (personId: string, field: RevealField) => Promise<{ value: string | null }> = personsApi.reveal) {
  const shown = reactive(new Map<string, Revealed>())
  const loading = reactive(new Set<string>())
  const timers = new Map<string, ReturnType<typeof setInterval>>()
  const keyOf = (personId: string, field: RevealField) => `${personId}:${field}`

  function hide(key: string) {
    const timer = timers.get(key)
    if (timer) clearInterval(timer)
    timers.delete(key)
    shown.delete(key)
  }

  async function show(personId: string, field: RevealField): Promise<void> {
    const key = keyOf(personId, field)
    if (loading.has(key)) return
    loading.add(key)
    try {
      const res = await reveal(personId, field)
      hide(key)
      shown.set(key, { value: res.value, secondsLeft: REVEAL_SECONDS })
      timers.set(
        key,
        setInterval(() => {
          const entry = shown.get(key)
          if (!entry || entry.secondsLeft <= 1) hide(key)
          else entry.secondsLeft -= 1
        }, 1000),
      )
    } finally {
      loading.delete(key)
    }
  }

  const get = (personId: string, field: RevealField) => shown.get(keyOf(personId, field)) ?? null
  const isLoading = (personId: string, field: RevealField) => loading.has(keyOf(personId, field))
  function hideAll() {
    for (const key of [...shown.keys()]) hide(key)
  }

  onBeforeUnmount(hideAll)
  return { show, get, isLoading, hide: (personId: string, field: RevealField) => hide(keyOf(personId, field)), hideAll }
}
