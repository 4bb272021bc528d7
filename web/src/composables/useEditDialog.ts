import { ref, type Ref } from 'vue'

/** Open state of a create/edit dialog and the item it edits (`null`: creating a new one). */
export function useEditDialog<T>() {
  const open = ref(false)
  const editing = ref(null) as Ref<T | null>
  function openCreate() {
    editing.value = null
    open.value = true
  }
  function openEdit(item: T) {
    editing.value = item
    open.value = true
  }
  return { open, editing, openCreate, openEdit }
}
