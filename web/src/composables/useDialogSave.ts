import type { Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'

/**
 * How a console create/edit dialog ends a save: it confirms with a message, hands the saved item to `onSaved`
 * and closes. An edit without changes saves nothing: it says so and closes.
 */
export function useDialogSave<T>(visible: Ref<boolean>, onSaved: (item: T) => void) {
  const { t } = useI18n()

  function done(item: T, message: string) {
    ElMessage.success(message)
    onSaved(item)
    visible.value = false
  }

  async function create(save: () => Promise<T>) {
    done(await save(), t('common.created'))
  }

  async function update<P extends object>(patch: P, save: (patch: P) => Promise<T>) {
    if (Object.keys(patch).length === 0) {
      ElMessage.info(t('common.noChanges'))
      visible.value = false
      return
    }
    done(await save(patch), t('common.saved'))
  }

  return { create, update }
}
