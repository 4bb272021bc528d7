// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { PHOTO_MAX_BYTES } from '@minqing/common'
import { fitWithin, jpegName, MAX_SIDE, NotAnImageError, PhotoTooLargeError, planCompression, preparePhoto, SMALL_BYTES, type ImageCodec } from './image.ts'

describe('fitWithin', () => {
  it('scales the longest side down to 1600, keeping the aspect ratio', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 1600, height: 1200, scale: 1600 / 4032 })
    expect(fitWithin(3024, 4032)).toMatchObject({ width: 1200, height: 1600 })
    expect(fitWithin(4000, 1000)).toMatchObject({ width: 1600, height: 400 })
  })
  it('never enlarges', () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600, scale: 1 })
    expect(fitWithin(1600, 1600)).toEqual({ width: 1600, height: 1600, scale: 1 })
  })
  it('rounds, and keeps at least one pixel', () => {
    expect(fitWithin(1601, 1)).toMatchObject({ width: 1600, height: 1 })
    expect(fitWithin(3333, 2222, 1000)).toMatchObject({ width: 1000, height: 667 })
  })
  it('nothing for nothing', () => {
    expect(fitWithin(0, 100)).toEqual({ width: 0, height: 0, scale: 1 })
    expect(fitWithin(NaN, 100).width).toBe(0)
  })
})

describe('planCompression', () => {
  const small = { width: 1200, height: 900 }
  it('keeps a small JPEG / PNG / WebP within 1600 px', () => {
    expect(planCompression({ size: 200_000, type: 'image/jpeg' }, small)).toBe('keep')
    expect(planCompression({ size: SMALL_BYTES, type: 'image/png' }, small)).toBe('keep')
    expect(planCompression({ size: 100, type: 'image/webp' }, { width: MAX_SIDE, height: 10 })).toBe('keep')
  })
  it('compresses what is too wide, too heavy, or of another type', () => {
    expect(planCompression({ size: 200_000, type: 'image/jpeg' }, { width: 4032, height: 3024 })).toBe('compress')
    expect(planCompression({ size: SMALL_BYTES + 1, type: 'image/jpeg' }, small)).toBe('compress')
    expect(planCompression({ size: 200_000, type: 'image/heic' }, small)).toBe('compress')
    expect(planCompression({ size: 200_000, type: '' }, small)).toBe('compress')
  })
})

describe('jpegName', () => {
  it('swaps the extension', () => {
    expect(jpegName('IMG_0001.HEIC')).toBe('IMG_0001.jpg')
    expect(jpegName('照片.png')).toBe('照片.jpg')
    expect(jpegName('noext')).toBe('noext.jpg')
    expect(jpegName('')).toBe('photo.jpg')
  })
})

function codec(width: number, height: number, encodedBytes: number): ImageCodec & { encode: ReturnType<typeof vi.fn>; close: ReturnType<typeof vi.fn> } {
  const close = vi.fn()
  const encode = vi.fn(async () => new Blob([new Uint8Array(encodedBytes)], { type: 'image/jpeg' }))
  return { decode: async () => ({ source: {} as CanvasImageSource, width, height, close }), encode, close }
}
const file = (bytes: number, type: string, name = 'p.jpg') => new File([new Uint8Array(bytes)], name, { type })

describe('preparePhoto', () => {
  it('a camera photo becomes a 1600 px JPEG at quality 0.8', async () => {
    const c = codec(4032, 3024, 350_000)
    const p = await preparePhoto(file(4_500_000, 'image/jpeg', 'IMG_1.JPG'), c)
    expect(c.encode).toHaveBeenCalledWith(expect.anything(), { width: 1600, height: 1200, scale: 1600 / 4032 }, 0.8)
    expect(p).toMatchObject({ name: 'IMG_1.jpg', type: 'image/jpeg', width: 1600, height: 1200, originalSize: 4_500_000, compressed: true })
    expect(p.blob.size).toBe(350_000)
    expect(c.close).toHaveBeenCalled()
  })
  it('a small picture is sent as it is, without re-encoding', async () => {
    const c = codec(800, 600, 1)
    const f = file(120_000, 'image/png', 'x.png')
    const p = await preparePhoto(f, c)
    expect(c.encode).not.toHaveBeenCalled()
    expect(p).toMatchObject({ blob: f, name: 'x.png', type: 'image/png', compressed: false })
  })
  it('keeps the original when re-encoding would not make it smaller', async () => {
    const f = file(500_000, 'image/jpeg')
    const p = await preparePhoto(f, codec(1000, 800, 600_000))
    expect(p.blob).toBe(f)
    expect(p.compressed).toBe(false)
  })
  it('refuses what does not decode as an image', async () => {
    const bad: ImageCodec = { decode: async () => Promise.reject(new Error('x')), encode: vi.fn() }
    await expect(preparePhoto(file(10, 'text/plain', 'a.txt'), bad)).rejects.toBeInstanceOf(NotAnImageError)
    await expect(preparePhoto(file(10, 'image/jpeg'), codec(0, 0, 1))).rejects.toBeInstanceOf(NotAnImageError)
  })
  it('refuses a result still over the server’s 8 MB', async () => {
    await expect(preparePhoto(file(20_000_000, 'image/jpeg'), codec(9000, 9000, PHOTO_MAX_BYTES + 1))).rejects.toBeInstanceOf(PhotoTooLargeError)
  })
})
