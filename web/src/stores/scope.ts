import { defineStore } from 'pinia'
import { ref } from 'vue'

export interface ScopeRegion {
  code: string
  name: string
  level?: string
}

/**
 * The region the user is currently looking at (mobile "我的区域"). Defaults to the user's own region;
 * cleared on logout.
 */
export const useScopeStore = defineStore('scope', () => {
  const region = ref<ScopeRegion | null>(null)
  function set(value: ScopeRegion | null) {
    region.value = value
  }
  function reset() {
    region.value = null
  }
  return { region, set, reset }
})
