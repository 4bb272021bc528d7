import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Tag } from '@minqing/common'
import { tagsApi } from '../api/archive.ts'
import { findTag, tagsFor } from '../lib/archive/forms.ts'

/** The tag catalogue (GET /api/tags), loaded once per session and shared by every archive screen. */
export const useArchiveTagsStore = defineStore('archiveTags', () => {
  const tags = ref<Tag[]>([])
  const loaded = ref(false)
  const error = ref<unknown>(null)
  let pending: Promise<Tag[]> | null = null

  const sorted = computed(() => [...tags.value].sort((a, b) => a.sort - b.sort || a.id - b.id))
  const householdTags = computed(() => tagsFor(sorted.value, 'household'))
  const personTags = computed(() => tagsFor(sorted.value, 'person'))

  async function refresh(): Promise<Tag[]> {
    try {
      tags.value = await tagsApi.list()
      loaded.value = true
      error.value = null
    } catch (err) {
      error.value = err
    }
    return tags.value
  }
  function ensureLoaded(): Promise<Tag[]> {
    if (loaded.value) return Promise.resolve(tags.value)
    pending ??= refresh().finally(() => (pending = null))
    return pending
  }
  function add(tag: Tag) {
    tags.value = [...tags.value.filter((t) => t.id !== tag.id), tag]
  }
  const byRef = (ref: string) => findTag(tags.value, ref)

  return { tags, sorted, householdTags, personTags, loaded, error, refresh, ensureLoaded, add, byRef }
})
