import { IdParams, ImportJobSchema } from '@minqing/common'
import type { FastifyReply } from 'fastify'
import type { Readable } from 'node:stream'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, uploadErrorResponses } from '../../platform/errors.ts'
import { readUpload } from '../../platform/uploads.ts'
import { IMPORT_FIELDS } from './sheet.ts'
import type { ImportsService } from './imports.service.ts'

// Query schemas of this module's own routes (candidates for common/src/archive.ts).
const ImportTemplateQuery = Type.Object({ format: Type.Optional(Type.Enum(['xlsx', 'csv'] as const, { default: 'xlsx' })) }, { additionalProperties: false })
const ImportListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    /** mine (default): the caller's own jobs; area: every job of the caller's area. */
    scope: Type.Optional(Type.Enum(['mine', 'area'] as const, { default: 'mine' })),
    /** households, cases…: one kind of job (default: every kind the caller may import). */
    kind: Type.Optional(Type.String({ pattern: '^[a-z_]{1,40}$' })),
  },
  { additionalProperties: false },
)
const ImportJobListSchema = Type.Object({ items: Type.Array(ImportJobSchema) })

const tags = ['imports']
const FileBody = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' })

function sendFile(reply: FastifyReply, body: Buffer | Readable, filename: string, contentType: string) {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return reply
    .header('content-type', contentType)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(body)
}

export function importRoutes(app: App, service: ImportsService, maxBytes: number) {
  app.get(
    '/api/imports/households/template',
    {
      schema: {
        tags,
        summary: 'Household/person import template (XLSX with a column guide, or CSV)',
        querystring: ImportTemplateQuery,
        response: { 200: FileBody, ...errorResponses },
      },
    },
    async (req, reply) => {
      const t = await service.template(actorOf(req), req.query.format ?? 'xlsx')
      return sendFile(reply, t.data, t.filename, t.contentType)
    },
  )

  app.post(
    '/api/imports/households',
    {
      schema: {
        tags,
        summary: 'Import households and persons from a CSV or XLSX file (processed in the background)',
        consumes: ['multipart/form-data'],
        description:
          'multipart/form-data: `file` (CSV in UTF-8, or XLSX; one row per person), optional `mapping` = JSON ' +
          `{"file header": "field"} with field one of ${IMPORT_FIELDS.join(', ')}. Answers 202 with the job; poll GET /api/imports/{id}.`,
        response: { 202: ImportJobSchema, ...uploadErrorResponses },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req)
      // Permission first, so a user who may not import is told so before uploading 100 MB for nothing.
      service.assertMayImport(actor)
      const upload = await readUpload(req, { maxBytes })
      return reply.status(202).send(await service.create(actor, upload, req.ip))
    },
  )

  app.get(
    '/api/imports',
    { schema: { tags, summary: 'Recent import jobs (the caller’s own, or ?scope=area)', querystring: ImportListQuery, response: { 200: ImportJobListSchema, ...errorResponses } } },
    async (req) => service.list(actorOf(req), req.query),
  )

  app.get('/api/imports/:id', { schema: { tags, summary: 'One import job with its progress and result', params: IdParams, response: { 200: ImportJobSchema, ...errorResponses } } }, async (req) =>
    service.get(actorOf(req), req.params.id),
  )

  app.get(
    '/api/imports/:id/report',
    {
      schema: {
        tags,
        summary: 'Rejected rows of a finished job as CSV (行号, 原因, then the file’s columns; ID numbers and phones masked); each download is audited',
        params: IdParams,
        response: { 200: FileBody, ...errorResponses },
      },
    },
    async (req, reply) => {
      const r = await service.report(actorOf(req), req.params.id, req.ip)
      return sendFile(reply, r.body, r.filename, 'text/csv; charset=utf-8')
    },
  )
}
