import { computed, ref, type Ref } from 'vue'
import type { CaseDetail, CaseFile } from '@minqing/common'
import { casesApi } from '../../api/cases.ts'
import { preparePhoto } from '../diary/image.ts'

/** A reply (or an on-the-spot resolution) carries at most this many result photos (the server's REPLY_PHOTOS_MAX). */
export const RESULT_PHOTOS_MAX = 9

/** The photos an upload added: those of the case's answer that were not there before. */
export function addedFiles(before: readonly Pick<CaseFile, 'id'>[], after: readonly CaseFile[]): CaseFile[] {
  const had = new Set(before.map((f) => f.id))
  return after.filter((f) => !had.has(f.id))
}

/**
 * Result photos (处理后照片) of an answer being written: each picked picture is compressed like a diary photo and
 * uploaded to the case at once (POST /api/cases/:id/files); the answer then names them in `photoIds`, and the
 * server moves them to the answer, which the resident sees on the tracking page. A photo taken off the list
 * stays on the case as an ordinary photo.
 */
export function useResultPhotos(detail: Ref<CaseDetail>, ids: Ref<string[]>, on: { updated?: (d: CaseDetail) => void; failed: (err: unknown) => void }) {
  const chosen = ref<CaseFile[]>([])
  const busy = ref(false)
  const input = ref<HTMLInputElement | null>(null)
  const latest = ref<CaseDetail | null>(null)
  const room = computed(() => RESULT_PHOTOS_MAX - chosen.value.length)

  function sync() {
    ids.value = chosen.value.map((f) => f.id)
  }

  async function onPick(ev: Event) {
    const el = ev.target as HTMLInputElement
    const picked = [...(el.files ?? [])].slice(0, Math.max(0, room.value))
    el.value = ''
    if (!picked.length) return
    busy.value = true
    try {
      for (const file of picked) {
        const photo = await preparePhoto(file)
        const before = latest.value?.files ?? detail.value.files
        const after = await casesApi.addPhoto(detail.value.id, { blob: photo.blob, name: photo.name })
        latest.value = after
        chosen.value = [...chosen.value, ...addedFiles(before, after.files)].slice(0, RESULT_PHOTOS_MAX)
        sync()
      }
      if (latest.value) on.updated?.(latest.value)
    } catch (err) {
      on.failed(err)
    } finally {
      busy.value = false
    }
  }

  function remove(id: string) {
    chosen.value = chosen.value.filter((f) => f.id !== id)
    sync()
  }

  function reset() {
    chosen.value = []
    latest.value = null
    sync()
  }

  return { chosen, busy, input, room, onPick, remove, reset }
}
