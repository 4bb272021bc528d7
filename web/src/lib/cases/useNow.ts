import { onScopeDispose, ref } from 'vue'

/** The current time as a ref, ticking every `intervalMs` (remaining times on screen stay right). */
export function useNow(intervalMs = 60_000) {
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), intervalMs)
  onScopeDispose(() => clearInterval(timer))
  return now
}
