import { computed, onScopeDispose, ref, type Ref } from 'vue'
import { newClientId } from '../diary/clientId.ts'
import { NotAnImageError, PhotoTooLargeError, preparePhoto, type PreparedPhoto } from '../diary/image.ts'

/** One picked picture: compressed, shown from an object URL, and (when the screen sends at once) what the server answered. */
export interface PhotoSlot<T = undefined> {
  key: string
  photo: PreparedPhoto
  url: string
  stored: T
}

export interface PhotoSlotsOptions<T> {
  /** A picture that could not be kept: not an image, too large even compressed, or `store` failed. The others go on. */
  failed: (err: unknown) => void
  /** More pictures were picked than there is room for; the first ones that fit are kept. */
  tooMany?: () => void
  /** Sends each picture as soon as it is compressed (task finish photos); its answer is kept as `stored`. */
  store?: (photo: PreparedPhoto) => Promise<T>
}

/**
 * A screen's message for a picture it could not keep: `${prefix}.notAnImage` or `${prefix}.photoTooLarge` when the
 * compression refused it (both keys exist under diary.form and publicReport.form), else the error itself.
 */
export function photoErrorText(err: unknown, t: (key: string) => string, prefix: string): string {
  if (err instanceof NotAnImageError) return t(`${prefix}.notAnImage`)
  if (err instanceof PhotoTooLargeError) return t(`${prefix}.photoTooLarge`)
  return String(err)
}

/**
 * Photos being picked for a form (diary, 民情码 report, 随手报, task finish, a case's answer): each picked picture is
 * compressed in the browser (preparePhoto) while a "busy" tile stands for it, up to `max` in all; the object URLs are
 * revoked when a photo is taken off, cleared, or the screen goes away. No Vant here (PhotoPicker previews): the
 * console's answer dialog uses it too, and must not pull Vant and its CSS onto a laptop page.
 */
export function usePhotoSlots<T = undefined>(max: number, opts: PhotoSlotsOptions<T>) {
  const photos = ref([]) as Ref<PhotoSlot<T>[]>
  const compressing = ref(0)
  const bytes = computed(() => photos.value.reduce((n, p) => n + p.photo.blob.size, 0))
  const full = computed(() => photos.value.length + compressing.value >= max)

  async function add(files: readonly File[]) {
    const room = max - photos.value.length - compressing.value
    if (files.length > room) opts.tooMany?.()
    for (const file of files.slice(0, Math.max(0, room))) {
      compressing.value++
      try {
        const photo = await preparePhoto(file)
        const stored = opts.store ? await opts.store(photo) : (undefined as T)
        photos.value.push({ key: newClientId(), photo, url: URL.createObjectURL(photo.blob), stored })
      } catch (err) {
        opts.failed(err)
      } finally {
        compressing.value--
      }
    }
  }

  /** The file input's change handler; the input is emptied so the same picture can be picked again. */
  function onFiles(ev: Event) {
    const input = ev.target as HTMLInputElement
    const files = Array.from(input.files ?? [])
    input.value = ''
    return add(files)
  }

  function remove(i: number) {
    const [slot] = photos.value.splice(i, 1)
    if (slot) URL.revokeObjectURL(slot.url)
  }

  function clear() {
    photos.value.forEach((p) => URL.revokeObjectURL(p.url))
    photos.value = []
  }

  onScopeDispose(() => photos.value.forEach((p) => URL.revokeObjectURL(p.url)))

  return { photos, compressing, bytes, full, max, add, onFiles, remove, clear }
}

/** What PhotoPicker is handed: the whole of one usePhotoSlots. */
export type PhotoSlots<T = unknown> = ReturnType<typeof usePhotoSlots<T>>
