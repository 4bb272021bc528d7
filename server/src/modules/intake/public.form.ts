import type { FastifyRequest } from 'fastify'
import { AppError, badRequest } from '../../platform/errors.ts'
import type { Photo } from './public.service.ts'

const TOO_LARGE = (maxBytes: number) => new AppError(413, 'PAYLOAD_TOO_LARGE', `照片过大(每张不超过 ${Math.round(maxBytes / 1024 / 1024)} MB)`, { maxBytes })

/**
 * A report sent as multipart/form-data: its text fields, shaped like the JSON body (numbers and the anonymous switch
 * parsed, empty fields left out), and its photo files. Reading stops at the first file over `maxBytes` (413) or
 * the first file past `maxFiles` (400), so an oversized upload is never buffered whole.
 */
export async function readReportForm(request: FastifyRequest, opts: { maxFiles: number; maxBytes: number }): Promise<{ body: Record<string, unknown>; photos: Photo[] }> {
  const fields: Record<string, string> = {}
  const photos: Photo[] = []
  try {
    for await (const part of request.parts({ limits: { files: opts.maxFiles, fileSize: opts.maxBytes, fields: 20, fieldSize: 16 * 1024, parts: opts.maxFiles + 20 } })) {
      if (part.type === 'file') {
        const chunks: Buffer[] = []
        let size = 0
        for await (const chunk of part.file) {
          size += chunk.length
          if (size > opts.maxBytes) throw TOO_LARGE(opts.maxBytes)
          chunks.push(chunk as Buffer)
        }
        if (part.file.truncated) throw TOO_LARGE(opts.maxBytes)
        if (size === 0) continue
        photos.push({ filename: part.filename || 'photo', data: Buffer.concat(chunks) })
      } else {
        if (part.valueTruncated) throw badRequest('VALIDATION_FAILED', `字段 ${part.fieldname} 过长`)
        fields[part.fieldname] = String(part.value)
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    const code = (err as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw TOO_LARGE(opts.maxBytes)
    if (code === 'FST_FILES_LIMIT') throw badRequest('TOO_MANY_PHOTOS', `最多上传 ${opts.maxFiles} 张照片`, { max: opts.maxFiles })
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw badRequest('VALIDATION_FAILED', '表单字段过多')
    throw badRequest('VALIDATION_FAILED', `表单无法读取: ${(err as Error).message}`)
  }
  return { body: shape(fields), photos }
}

/** Form fields are text; the JSON body's types are what the schema checks. */
function shape(fields: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields)) {
    if (v === '') continue
    if (k === 'lat' || k === 'lng') body[k] = /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v
    else if (k === 'anonymous') body[k] = v === 'true' || v === '1' || v === 'on' ? true : v === 'false' || v === '0' ? false : v
    else body[k] = v
  }
  return body
}
