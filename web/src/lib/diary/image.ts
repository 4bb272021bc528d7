/**
 * Photos are compressed on the phone before they are stored in the outbox and uploaded: a 12-megapixel
 * camera picture (4–6 MB) becomes a ~1600 px JPEG of a few hundred KB, which sends over a weak village
 * signal and fits many into IndexedDB. Pictures that are already small are left as they are.
 */
import { PHOTO_MAX_BYTES, PHOTO_TYPES } from '@minqing/common'

export const MAX_SIDE = 1600
const JPEG_QUALITY = 0.8
/** Below this (and within MAX_SIDE, in a type the server takes) a picture is sent as it is. */
export const SMALL_BYTES = 400 * 1024

export interface Size {
  width: number
  height: number
}

/** The size to draw at: the longest side at most `maxSide`, the aspect ratio kept, never enlarged. */
export function fitWithin(width: number, height: number, maxSide = MAX_SIDE): Size & { scale: number } {
  if (!(width > 0) || !(height > 0)) return { width: 0, height: 0, scale: 1 }
  const longest = Math.max(width, height)
  const scale = longest > maxSide ? maxSide / longest : 1
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)), scale }
}

const isAcceptedType = (type: string) => (PHOTO_TYPES as readonly string[]).includes(type)

export type CompressPlan = 'keep' | 'compress'

/**
 * Whether a picture needs re-encoding: too large a side, too many bytes, or a type the server does not take
 * (HEIC from some phones is converted when the browser can decode it).
 */
export function planCompression(file: { size: number; type: string }, dims: Size, opts: { maxSide?: number; smallBytes?: number } = {}): CompressPlan {
  const maxSide = opts.maxSide ?? MAX_SIDE
  const small = opts.smallBytes ?? SMALL_BYTES
  if (!isAcceptedType(file.type)) return 'compress'
  if (Math.max(dims.width, dims.height) > maxSide) return 'compress'
  if (file.size > small) return 'compress'
  return 'keep'
}

/** `IMG_0001.HEIC` → `IMG_0001.jpg`. */
export function jpegName(name: string): string {
  const base = (name || 'photo').replace(/\.[A-Za-z0-9]{1,5}$/, '')
  return `${base || 'photo'}.jpg`
}

export interface PreparedPhoto {
  blob: Blob
  name: string
  type: string
  width: number
  height: number
  originalSize: number
  compressed: boolean
}

export class NotAnImageError extends Error {
  constructor() {
    super('not an image')
    this.name = 'NotAnImageError'
  }
}
export class PhotoTooLargeError extends Error {
  constructor(readonly size: number) {
    super('photo too large')
    this.name = 'PhotoTooLargeError'
  }
}

/** The browser pieces compression needs (injected in tests). */
export interface ImageCodec {
  decode(file: Blob): Promise<{ source: CanvasImageSource; width: number; height: number; close?: () => void }>
  encode(source: CanvasImageSource, size: Size, quality: number): Promise<Blob>
}

const browserCodec: ImageCodec = {
  async decode(file) {
    if (typeof createImageBitmap === 'function') {
      try {
        // The EXIF orientation applied, as the photo looks in the gallery.
        const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' })
        return { source: bmp, width: bmp.width, height: bmp.height, close: () => bmp.close() }
      } catch {
        /* fall back to <img> */
      }
    }
    const url = URL.createObjectURL(file)
    try {
      const img = new Image()
      img.decoding = 'async'
      await new Promise<void>((resolve, reject) => {
        img.onload = () => resolve()
        img.onerror = () => reject(new NotAnImageError())
        img.src = url
      })
      return { source: img, width: img.naturalWidth, height: img.naturalHeight }
    } finally {
      URL.revokeObjectURL(url)
    }
  },
  async encode(source, size, quality) {
    const canvas = document.createElement('canvas')
    canvas.width = size.width
    canvas.height = size.height
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('no canvas')
    // JPEG has no transparency: a transparent PNG goes on white, not black.
    ctx.fillStyle = '#fff'
    ctx.fillRect(0, 0, size.width, size.height)
    ctx.drawImage(source, 0, 0, size.width, size.height)
    return new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', quality))
  },
}

/**
 * A picture ready for the outbox: decoded (so a non-image is refused here, not by the server later),
 * scaled to MAX_SIDE and re-encoded as JPEG at JPEG_QUALITY unless already small. A re-encode that comes out
 * bigger than an acceptable original keeps the original.
 */
export async function preparePhoto(
  file: File | (Blob & { name?: string }),
  codec: ImageCodec = browserCodec,
  opts: { maxSide?: number; quality?: number; smallBytes?: number } = {},
): Promise<PreparedPhoto> {
  const name = (file as File).name || 'photo'
  let decoded: Awaited<ReturnType<ImageCodec['decode']>>
  try {
    decoded = await codec.decode(file)
  } catch {
    throw new NotAnImageError()
  }
  try {
    const dims = { width: decoded.width, height: decoded.height }
    if (!(dims.width > 0 && dims.height > 0)) throw new NotAnImageError()
    const keep: PreparedPhoto = { blob: file, name, type: file.type, width: dims.width, height: dims.height, originalSize: file.size, compressed: false }
    if (planCompression(file, dims, opts) === 'keep') return keep
    const size = fitWithin(dims.width, dims.height, opts.maxSide ?? MAX_SIDE)
    const blob = await codec.encode(decoded.source, size, opts.quality ?? JPEG_QUALITY)
    const originalFits = isAcceptedType(file.type) && Math.max(dims.width, dims.height) <= (opts.maxSide ?? MAX_SIDE)
    if (originalFits && blob.size >= file.size) return keep
    if (blob.size > PHOTO_MAX_BYTES) throw new PhotoTooLargeError(blob.size)
    return { blob, name: jpegName(name), type: 'image/jpeg', width: size.width, height: size.height, originalSize: file.size, compressed: true }
  } finally {
    decoded.close?.()
  }
}
