import {
  PUBLIC_PHOTO_MAX_BYTES,
  PUBLIC_PHOTOS_MAX,
  PublicCaseViewSchema,
  PublicQrInfoSchema,
  PublicRatingBody,
  PublicReportBody,
  PublicReportCreatedSchema,
  QrCodeParams,
  TrackingCodeParams,
} from '@minqing/common'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { AppError, errorSchemas } from '../../platform/errors.ts'
import { readReportForm } from './public.form.ts'
import type { Caller, PublicReportsService } from './public.service.ts'

/** Where links for residents point: PUBLIC_URL when set, else the address this request came to. */
const publicBaseUrl = (req: FastifyRequest, configured: string | undefined) => configured ?? `${req.protocol}://${req.host}`

/** The resident's doors (no account): `config.public` lets them past the auth hook; the service guards them. */
export function publicRoutes(app: App, service: PublicReportsService, publicUrl: string | undefined) {
  const tags = ['public reports (民情码)']
  const caller = (req: FastifyRequest): Caller => ({ ip: req.ip, baseUrl: publicBaseUrl(req, publicUrl) })

  app.get(
    '/api/public/qr/:code',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'What the report page of a 民情码 needs: the place or region, categories, and a signed form token',
        security: [],
        params: QrCodeParams,
        response: { 200: PublicQrInfoSchema, ...errorSchemas(400, 404, 429) },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store')
      return service.qrInfo(req.params.code, caller(req))
    },
  )

  app.post(
    '/api/public/reports',
    {
      config: { public: true },
      // JSON reports are short; photos come as multipart, whose limits are per file (readReportForm).
      bodyLimit: 64 * 1024,
      schema: {
        tags,
        summary: 'A resident reports (JSON, or multipart/form-data with up to 9 photos): 201 with the tracking code',
        description:
          `Fields: ${Object.keys(PublicReportBody.properties).join(', ')}. Multipart: the same fields as text, photos as files ` +
          `(at most ${PUBLIC_PHOTOS_MAX}, each at most ${PUBLIC_PHOTO_MAX_BYTES / 1024 / 1024} MB, JPEG/PNG/WebP by content). ` +
          'A resend with the same clientId answers 200 with the first tracking code. Errors: 400 (body, FORM_TOKEN_MISSING, ' +
          'FORM_TOO_FAST, UNKNOWN_CATEGORY, INVALID_PHONE, TOO_MANY_PHOTOS, UNSUPPORTED_FILE), 403 (FORM_TOKEN_INVALID, ' +
          'FORM_TOKEN_EXPIRED, FORM_TOKEN_USED), 404 unknown QR code, 413 photo too large, 415 other content types, 429 RATE_LIMITED ' +
          'with Retry-After (5 reports per 10 minutes per IP, 3 per hour per phone by default).',
        security: [],
        body: { content: { 'application/json': { schema: PublicReportBody } } },
        response: { 200: PublicReportCreatedSchema, 201: PublicReportCreatedSchema, ...errorSchemas(400, 403, 404, 413, 415, 429) },
      },
    },
    async (req, reply) => {
      const who = caller(req)
      let body: unknown
      let photos: { filename: string; data: Buffer }[] = []
      if (req.isMultipart()) {
        // Refuse a caller already over the limit before reading megabytes of photos.
        await service.precheck(who)
        ;({ body, photos } = await readReportForm(req, { maxFiles: PUBLIC_PHOTOS_MAX, maxBytes: PUBLIC_PHOTO_MAX_BYTES }))
      } else if (req.body !== null && typeof req.body === 'object') {
        body = req.body
      } else {
        throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 JSON 或 multipart/form-data 提交')
      }
      const { created, result } = await service.report(body, photos, who)
      return reply.status(created ? 201 : 200).send(result)
    },
  )

  app.get(
    '/api/public/reports/:trackingCode',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Progress of a report by its tracking code, in plain words, with the answer and whether it can be rated',
        security: [],
        params: TrackingCodeParams,
        response: { 200: PublicCaseViewSchema, ...errorSchemas(400, 404, 429) },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store')
      return service.track(req.params.trackingCode, caller(req))
    },
  )

  app.get(
    '/api/public/reports/:trackingCode/photos/:photoId',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'A result photo (处理后照片) of the answer, by the tracking code: only photos that came with an answer of that case',
        security: [],
        params: Type.Object({ ...TrackingCodeParams.properties, photoId: Type.String({ format: 'uuid' }) }),
      },
    },
    async (req, reply) => {
      const f = await service.photo(req.params.trackingCode, req.params.photoId, caller(req))
      return reply
        .header('content-type', f.contentType)
        .header('content-length', String(f.size))
        .header('cache-control', 'private, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(f.stream)
    },
  )

  app.post(
    '/api/public/reports/:trackingCode/rating',
    {
      config: { public: true },
      bodyLimit: 16 * 1024,
      schema: {
        tags,
        summary: 'The resident rates the answer (satisfied closes the case; unsatisfied sends it back). 409 when not answered yet or already rated',
        security: [],
        params: TrackingCodeParams,
        body: PublicRatingBody,
        response: { 200: PublicCaseViewSchema, ...errorSchemas(400, 404, 409, 429) },
      },
    },
    async (req) => service.rate(req.params.trackingCode, req.body, caller(req)),
  )
}
