// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick, ref } from 'vue'
import type { CaseDetail, CaseFile } from '@minqing/common'
import { casesApi } from '../../api/cases.ts'
import { preparePhoto } from '../diary/image.ts'
import { withSetup } from '../../composables/testing.ts'
import { addedFiles, useResultPhotos } from './resultPhotos.ts'

vi.mock('../../api/cases.ts', () => ({ casesApi: { addPhoto: vi.fn() } }))
vi.mock('../diary/image.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../diary/image.ts')>()), preparePhoto: vi.fn() }))

const file = (id: string, filename = 'p.jpg'): CaseFile => ({ id, eventId: null, filename, contentType: 'image/jpeg', size: 1, url: `/api/cases/c/files/${id}`, createdAt: '' })

describe('addedFiles', () => {
  it('finds the photos an upload added to the case, whatever the order the server lists them in', () => {
    expect(addedFiles([file('a'), file('b')], [file('b'), file('c'), file('a')]).map((f) => f.id)).toEqual(['c'])
    expect(addedFiles([], [file('a')]).map((f) => f.id)).toEqual(['a'])
    expect(addedFiles([file('a')], [file('a')])).toEqual([])
  })
})

describe('useResultPhotos', () => {
  // The server's copy of the case: each upload adds a file named after the picture and answers the whole case.
  let files: CaseFile[]
  let n: number
  const detail = () => ({ id: 'c', files: [file('old')] }) as unknown as CaseDetail
  let unmount: (() => void) | undefined
  beforeEach(() => {
    files = [file('old')]
    n = 0
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    vi.spyOn(URL, 'revokeObjectURL').mockReturnValue()
    vi.mocked(preparePhoto).mockImplementation(async (f) => ({ blob: f, name: (f as File).name, type: 'image/jpeg', width: 1, height: 1, originalSize: f.size, compressed: false }))
    vi.mocked(casesApi.addPhoto).mockImplementation(async (_id, p) => {
      if (p.name === 'bad.jpg') throw new Error('offline')
      files = [file(`f${++n}`, p.name), ...files]
      return { id: 'c', files } as unknown as CaseDetail
    })
  })
  afterEach(() => {
    unmount?.()
    unmount = undefined
    vi.restoreAllMocks()
    vi.mocked(casesApi.addPhoto).mockReset()
  })

  const picked = (...names: string[]) => names.map((name) => new File(['x'], name, { type: 'image/jpeg' }))

  it('uploads each picture when picked, one at a time, and names what it added in the answer', async () => {
    const ids = ref<string[]>([])
    const m = withSetup(() => useResultPhotos(ref(detail()), ids, vi.fn()))
    unmount = m.unmount
    // Two picks at once: the second waits for the first, so each is told apart by the case's list.
    await Promise.all([m.result.add(picked('a.jpg', 'b.jpg')), m.result.add(picked('c.jpg'))])
    await nextTick()
    expect(m.result.photos.value.map((p) => [p.photo.name, p.stored.id])).toEqual([
      ['a.jpg', 'f1'],
      ['c.jpg', 'f2'],
      ['b.jpg', 'f3'],
    ])
    expect(ids.value).toEqual(['f1', 'f2', 'f3'])
    m.result.remove(1)
    await nextTick()
    expect(ids.value).toEqual(['f1', 'f3'])
  })

  it('keeps at most 9, says why a picture was not kept, and starts again when the form empties the answer', async () => {
    const ids = ref<string[]>([])
    const failed = vi.fn()
    const m = withSetup(() => useResultPhotos(ref(detail()), ids, failed))
    unmount = m.unmount
    // Of 11 picked, the first 9 are tried; one of them does not get through.
    await m.result.add(picked('bad.jpg', ...Array.from({ length: 10 }, (_, i) => `${i}.jpg`)))
    await nextTick()
    expect(failed).toHaveBeenCalledExactlyOnceWith('照片上传失败: offline')
    expect(ids.value).toHaveLength(8)
    ids.value = []
    await nextTick()
    expect(m.result.photos.value).toEqual([])
    // The photos already sent are still on the case, and never taken for a new one.
    await m.result.add(picked('again.jpg'))
    await nextTick()
    expect(ids.value).toEqual(['f9'])
  })
})
