import { watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { CaseDetail, CaseFile } from '@minqing/common'
import { casesApi } from '../../api/cases.ts'
import { useErrors } from '../../composables/useErrors.ts'
import type { PreparedPhoto } from '../diary/image.ts'
import { usePhotoSlots } from '../photos/usePhotoSlots.ts'

/** A reply (or an on-the-spot resolution) carries at most this many result photos (the server's REPLY_PHOTOS_MAX). */
export const RESULT_PHOTOS_MAX = 9

/** The photos an upload added: those of the case's answer that were not there before. */
export function addedFiles(before: readonly Pick<CaseFile, 'id'>[], after: readonly CaseFile[]): CaseFile[] {
  const had = new Set(before.map((f) => f.id))
  return after.filter((f) => !had.has(f.id))
}

/**
 * Result photos (处理后照片) of an answer being written, in the console's dialog or the phone's sheet: each picked
 * picture is compressed like a diary photo and uploaded to the case at once (POST /api/cases/:id/files, which answers
 * the whole case); `ids`, the answer's `photoIds`, follows the photos kept, and the server moves them to the answer,
 * which the resident sees on the tracking page. A photo taken off the list stays on the case as an ordinary photo; a
 * fresh answer (`ids` emptied by the form) starts with none. `failed` is handed the text to show.
 */
export function useResultPhotos(detail: Ref<CaseDetail>, ids: Ref<string[]>, failed: (text: string) => void) {
  const { t } = useI18n()
  const { errorText } = useErrors()
  // The case as the last upload answered it: with the page's copy, every file known not to be a new one.
  let latest: CaseDetail | null = null
  // One upload at a time, so that what each added is told by the case's files before and after it.
  let queue: Promise<unknown> = Promise.resolve()

  async function upload(photo: PreparedPhoto): Promise<CaseFile> {
    const before = [...detail.value.files, ...(latest?.files ?? [])]
    latest = await casesApi.addPhoto(detail.value.id, { blob: photo.blob, name: photo.name })
    const added = addedFiles(before, latest.files)
    const file = added.find((f) => f.filename === photo.name) ?? added[0]
    if (!file) throw new Error(t('errors.unknown'))
    return file
  }

  const picker = usePhotoSlots<CaseFile>(RESULT_PHOTOS_MAX, {
    store: (photo) => {
      const run = queue.then(() => upload(photo))
      queue = run.catch(() => undefined)
      return run
    },
    failed: (err) => failed(`${t('cases.photos.failed')}: ${errorText(err)}`),
  })

  watch(
    () => picker.photos.value.map((p) => p.stored.id),
    (v) => (ids.value = v),
  )
  watch(ids, (v) => {
    if (!v.length && picker.photos.value.length) picker.clear()
  })
  return picker
}
