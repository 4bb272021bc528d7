import { computed, shallowRef } from 'vue'
import type { Category } from '@minqing/common'
import { categoriesApi } from '../../api/cases.ts'
import { cascaderOptions, categoryLabel, categoryTree } from './categories.ts'

// One copy for the whole app: the tree changes rarely (admins reload it after an edit).
const list = shallowRef<Category[]>([])
let pending: Promise<Category[]> | null = null

/** Loads the category list once (again with `force`); failures leave the list as it was and are thrown. */
export function loadCategories(force = false): Promise<Category[]> {
  if (!force && list.value.length) return Promise.resolve(list.value)
  if (!pending) {
    pending = categoriesApi
      .list()
      .then((items) => (list.value = items))
      .finally(() => (pending = null))
  }
  return pending
}

/** The category tree for pickers (active categories), loaded on first use. */
export function useCategories() {
  void loadCategories().catch(() => undefined)
  const active = computed(() => list.value.filter((c) => c.active))
  const tree = computed(() => categoryTree(active.value))
  const options = computed(() => cascaderOptions(tree.value))
  return {
    list,
    active,
    tree,
    options,
    label: (code: string | null | undefined) => categoryLabel(list.value, code),
    reload: () => loadCategories(true),
  }
}
