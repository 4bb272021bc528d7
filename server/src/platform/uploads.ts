import type { FastifyRequest } from 'fastify'
import { AppError, badRequest } from './errors.ts'
import { badTextError, findBadText } from './validation.ts'

export interface Upload {
  filename: string
  /** What the bytes are, judged from their first bytes (never from the name or the client's header). */
  sniffedType: string | null
  data: Buffer
  fields: Record<string, string>
}

/** The extension a stored file of an accepted image or document type gets. */
export const EXTENSION_OF: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' }

/** Magic numbers of the types we accept anywhere. */
export function sniffContentType(buf: Buffer): string | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg'
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (buf.length >= 6 && (buf.subarray(0, 6).toString('latin1') === 'GIF87a' || buf.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif'
  if (buf.length >= 12 && buf.subarray(0, 4).toString('latin1') === 'RIFF' && buf.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp'
  if (buf.length >= 5 && buf.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf'
  // XLSX is a ZIP whose entries include [Content_Types].xml and xl/…; a bare ZIP is not accepted as a sheet.
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) {
    const head = buf.subarray(0, Math.min(buf.length, 64 * 1024)).toString('latin1')
    if (head.includes('[Content_Types].xml') || head.includes('xl/')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    return 'application/zip'
  }
  return null
}

/**
 * Read the one file of a multipart request (and the form fields sent with it). A file over the configured
 * limit answers 413 PAYLOAD_TOO_LARGE; a request that is not multipart, or has no file, answers 400.
 */
export async function readUpload(request: FastifyRequest, opts: { maxBytes?: number } = {}): Promise<Upload> {
  if (!request.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件')
  const fields: Record<string, string> = {}
  let file: { filename: string; data: Buffer } | undefined
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (file) {
          part.file.resume()
          continue
        }
        const chunks: Buffer[] = []
        let size = 0
        for await (const chunk of part.file) {
          size += chunk.length
          if (opts.maxBytes && size > opts.maxBytes) throw tooLarge(opts.maxBytes)
          chunks.push(chunk as Buffer)
        }
        if (part.file.truncated) throw tooLarge()
        file = { filename: part.filename || 'upload', data: Buffer.concat(chunks) }
      } else {
        fields[part.fieldname] = String(part.value)
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    const code = (err as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge()
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw badRequest('VALIDATION_FAILED', '上传的字段或文件过多')
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传文件')
    throw badRequest('VALIDATION_FAILED', `上传的数据无法读取: ${(err as Error).message}`)
  }
  // The JSON guard (platform/validation.ts) never sees multipart parts: the same rule for their text here.
  const bad = findBadText({ ...fields, filename: file?.filename ?? '' })
  if (bad !== undefined) throw badTextError('multipart', bad)
  if (!file) throw badRequest('VALIDATION_FAILED', '没有收到文件 (字段 file)')
  if (file.data.length === 0) throw badRequest('VALIDATION_FAILED', '文件是空的')
  return { filename: file.filename, sniffedType: sniffContentType(file.data), data: file.data, fields }
}

function tooLarge(limit?: number) {
  return new AppError(413, 'PAYLOAD_TOO_LARGE', limit ? `文件过大(上限 ${Math.round(limit / 1024 / 1024)} MB)` : '文件过大', limit ? { maxBytes: limit } : undefined)
}

/** The image types accepted as photos anywhere (diary, cases, residents' reports). */
export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const

/** A photo's type judged from its bytes; too large → 413, not a JPEG/PNG/WebP → 400 UNSUPPORTED_FILE. */
export function assertPhoto(data: Buffer, maxBytes: number): (typeof PHOTO_CONTENT_TYPES)[number] {
  if (data.length > maxBytes) throw tooLarge(maxBytes)
  const type = sniffContentType(data)
  if (!type || !(PHOTO_CONTENT_TYPES as readonly string[]).includes(type)) throw badRequest('UNSUPPORTED_FILE', '照片须为 JPEG、PNG 或 WebP 图片', { detected: type, allowed: PHOTO_CONTENT_TYPES })
  return type as (typeof PHOTO_CONTENT_TYPES)[number]
}
