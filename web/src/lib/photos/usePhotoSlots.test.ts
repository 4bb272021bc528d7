// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NotAnImageError, PhotoTooLargeError, preparePhoto } from '../diary/image.ts'
import { withSetup } from '../../composables/testing.ts'
import { photoErrorText, usePhotoSlots } from './usePhotoSlots.ts'

vi.mock('../diary/image.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../diary/image.ts')>()), preparePhoto: vi.fn() }))

const prepare = vi.mocked(preparePhoto)
const file = (name: string, size = 10) => new File(['x'.repeat(size)], name, { type: 'image/jpeg' })

describe('usePhotoSlots', () => {
  let unmount: (() => void) | undefined
  let urls = 0
  const created = vi.fn<(b: Blob) => string>()
  const revoked = vi.fn<(u: string) => void>()
  beforeEach(() => {
    urls = 0
    created.mockImplementation(() => `blob:test/${++urls}`)
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => created(b as Blob))
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((u) => revoked(u))
    prepare.mockImplementation(async (f) => {
      if ((f as File).name.endsWith('.txt')) throw new NotAnImageError()
      return { blob: f, name: (f as File).name, type: f.type, width: 10, height: 10, originalSize: f.size, compressed: false }
    })
  })
  afterEach(() => {
    unmount?.()
    unmount = undefined
    vi.restoreAllMocks()
    created.mockReset()
    revoked.mockReset()
    prepare.mockReset()
  })

  it('keeps no more than the limit, says so once, and counts the bytes', async () => {
    const tooMany = vi.fn()
    const m = withSetup(() => usePhotoSlots(2, { failed: vi.fn(), tooMany }))
    unmount = m.unmount
    await m.result.add([file('a.jpg', 3), file('b.jpg', 4), file('c.jpg')])
    expect(m.result.photos.value.map((p) => p.photo.name)).toEqual(['a.jpg', 'b.jpg'])
    expect(m.result.bytes.value).toBe(7)
    expect(m.result.full.value).toBe(true)
    expect(tooMany).toHaveBeenCalledTimes(1)
    await m.result.add([file('d.jpg')])
    expect(m.result.photos.value).toHaveLength(2)
    expect(tooMany).toHaveBeenCalledTimes(2)
  })

  it('counts pictures still being compressed against the limit', async () => {
    let release!: () => void
    prepare.mockImplementationOnce(async (f) => {
      await new Promise<void>((r) => (release = r))
      return { blob: f, name: 'slow.jpg', type: f.type, width: 1, height: 1, originalSize: f.size, compressed: false }
    })
    const m = withSetup(() => usePhotoSlots(1, { failed: vi.fn() }))
    unmount = m.unmount
    const first = m.result.add([file('slow.jpg')])
    expect(m.result.compressing.value).toBe(1)
    await m.result.add([file('other.jpg')])
    release()
    await first
    expect(m.result.compressing.value).toBe(0)
    expect(m.result.photos.value.map((p) => p.photo.name)).toEqual(['slow.jpg'])
  })

  it('reports a picture it cannot keep and goes on with the rest; the input is emptied', async () => {
    const failed = vi.fn()
    const m = withSetup(() => usePhotoSlots(9, { failed }))
    unmount = m.unmount
    const input = document.createElement('input')
    input.type = 'file'
    Object.defineProperty(input, 'files', { value: [file('a.txt'), file('b.jpg')] })
    const emptied = vi.spyOn(input, 'value', 'set')
    await m.result.onFiles({ target: input } as unknown as Event)
    expect(emptied).toHaveBeenCalledWith('')
    expect(failed).toHaveBeenCalledTimes(1)
    expect(failed.mock.calls[0]![0]).toBeInstanceOf(NotAnImageError)
    expect(m.result.photos.value.map((p) => p.photo.name)).toEqual(['b.jpg'])
  })

  it('keeps what `store` answers, and drops a picture whose upload failed', async () => {
    const failed = vi.fn()
    const store = vi.fn(async (p: { name: string }) => {
      if (p.name === 'bad.jpg') throw new Error('offline')
      return { id: `id-${p.name}` }
    })
    const m = withSetup(() => usePhotoSlots(9, { failed, store }))
    unmount = m.unmount
    await m.result.add([file('a.jpg'), file('bad.jpg')])
    expect(m.result.photos.value.map((p) => p.stored.id)).toEqual(['id-a.jpg'])
    expect(failed).toHaveBeenCalledWith(new Error('offline'))
  })

  it('remove revokes that photo’s URL only; clear and unmount revoke the rest', async () => {
    const m = withSetup(() => usePhotoSlots(9, { failed: vi.fn() }))
    await m.result.add([file('a.jpg'), file('b.jpg'), file('c.jpg')])
    const [a, b, c] = m.result.photos.value.map((p) => p.url)
    m.result.remove(1)
    expect(revoked.mock.calls).toEqual([[b]])
    expect(m.result.photos.value.map((p) => p.url)).toEqual([a, c])
    m.result.clear()
    expect(revoked.mock.calls.slice(1)).toEqual([[a], [c]])
    expect(m.result.photos.value).toEqual([])
    await m.result.add([file('d.jpg')])
    const d = m.result.photos.value[0]!.url
    m.unmount()
    expect(revoked).toHaveBeenLastCalledWith(d)
    expect(revoked).toHaveBeenCalledTimes(4)
  })
})

describe('photoErrorText', () => {
  const t = (key: string) => `<${key}>`
  it('names the refusals under the screen’s own keys, anything else as it is', () => {
    expect(photoErrorText(new NotAnImageError(), t, 'diary.form')).toBe('<diary.form.notAnImage>')
    expect(photoErrorText(new PhotoTooLargeError(1), t, 'publicReport.form')).toBe('<publicReport.form.photoTooLarge>')
    expect(photoErrorText(new Error('boom'), t, 'diary.form')).toBe('Error: boom')
  })
})
