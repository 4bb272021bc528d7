/**
 * The 民情大脑's category suggestions for an intake form (issue 14): the text is sent (debounced) to the classifier
 * and the top 3 come back with a score, as chips the user clicks. One code path for every intake: the console's
 * new-case form, the hotline, the phone's 随手报 and the 民情码 page (`public`). Suggestions below 5 % are dropped.
 */
import { onBeforeUnmount, ref, watch } from 'vue'
import { brainClassifyApi } from '../api/brain-classify.ts'

export interface BrainSuggestion {
  category: { code: string; name: string }
  score: number
}

const MIN_SCORE = 0.05
const MIN_CHARS = 4

export function useBrainSuggestions(text: () => string, opts: { public?: boolean; enabled?: () => boolean; delayMs?: number } = {}) {
  const suggestions = ref<BrainSuggestion[]>([])
  const emergency = ref<string[]>([])
  let timer: ReturnType<typeof setTimeout> | undefined
  let seq = 0
  async function run(value: string) {
    const mine = ++seq
    try {
      const res = opts.public ? await brainClassifyApi.classifyPublic(value) : await brainClassifyApi.classify(value)
      if (mine !== seq) return
      suggestions.value = res.suggestions.filter((s) => s.score >= MIN_SCORE).map((s) => ({ category: { code: s.categoryCode, name: s.name }, score: s.score }))
      emergency.value = res.emergencySignals
    } catch {
      // Suggestions are a help: a refusal (rate limit, network) leaves the form as it is.
      if (mine === seq) suggestions.value = []
    }
  }
  watch(
    () => [text().trim(), opts.enabled ? opts.enabled() : true] as const,
    ([value, on]) => {
      clearTimeout(timer)
      if (!on || [...value].length < MIN_CHARS) {
        seq++
        suggestions.value = []
        emergency.value = []
        return
      }
      timer = setTimeout(() => void run(value), opts.delayMs ?? 400)
    },
    { immediate: true },
  )
  onBeforeUnmount(() => clearTimeout(timer))
  return { suggestions, emergency }
}

/** A score as the chips show it: 87%. */
export const scorePercent = (score: number) => `${Math.round(score * 100)}%`
