import { computed, ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { CASE_MAX_FILES, type CaseDetail } from '@minqing/common'
import { casesApi } from '../../api/cases.ts'
import { useErrors } from '../../composables/useErrors.ts'
import { preparePhoto } from '../diary/image.ts'

/** The server takes photos until a case is finished, up to CASE_MAX_FILES; the screens offer the button as long. */
export function canAddPhotos(c: Pick<CaseDetail, 'state' | 'files'>) {
  return !['closed', 'rejected', 'merged'].includes(c.state) && c.files.length < CASE_MAX_FILES
}

/**
 * Photos of a case on a screen (console or phone): the list, whether more may be added, and the file input's
 * handler that compresses each picked picture like a diary photo and sends it, then hands `updated` the case as the
 * server answered. The texts are the same on both; the screen says how it shows them (ElMessage or a Vant toast).
 */
export function useCasePhotos(detail: Ref<CaseDetail>, updated: (d: CaseDetail) => void, show: { success: (text: string) => void; error: (text: string) => void }) {
  const { t } = useI18n()
  const { errorText } = useErrors()
  const files = computed(() => detail.value.files)
  const urls = computed(() => files.value.map((f) => f.url))
  const canAdd = computed(() => canAddPhotos(detail.value))
  const busy = ref(false)
  const input = ref<HTMLInputElement | null>(null)

  async function onPick(ev: Event) {
    const el = ev.target as HTMLInputElement
    const picked = [...(el.files ?? [])]
    el.value = ''
    if (!picked.length) return
    busy.value = true
    try {
      let latest: CaseDetail | null = null
      for (const file of picked) {
        const photo = await preparePhoto(file)
        latest = await casesApi.addPhoto(detail.value.id, { blob: photo.blob, name: photo.name })
      }
      if (latest) updated(latest)
      show.success(t('cases.photos.uploaded'))
    } catch (err) {
      show.error(`${t('cases.photos.failed')}: ${errorText(err)}`)
    } finally {
      busy.value = false
    }
  }
  return { files, urls, canAdd, busy, input, onPick }
}
