import { CASE_IMPORT_FIELDS, CaseImportHeadersSchema, ImportJobSchema } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { uploadErrorResponses } from '../../platform/errors.ts'
import { readUpload } from '../../platform/uploads.ts'
import type { CaseImportsService } from './case-imports.service.ts'

const tags = ['case-imports']
const fields = CASE_IMPORT_FIELDS.join(', ')

export function caseImportRoutes(app: App, service: CaseImportsService, maxBytes: number) {
  app.post(
    '/api/imports/cases',
    {
      schema: {
        tags,
        summary: 'Import cases from another platform’s export (XLSX or CSV; processed in the background)',
        consumes: ['multipart/form-data'],
        description:
          'multipart/form-data: `file`, `source` = a case source code (GET /api/case-sources), optional `mapping` = JSON ' +
          `{"field": "their column header"} with field one of ${fields} — used for this file and saved for the source. ` +
          'A file lacking a required column of the source is refused whole (400 UNKNOWN_COLUMNS naming the columns). ' +
          'Answers 202 with the job (kind "cases"); poll GET /api/imports/{id}; rejected rows: GET /api/imports/{id}/report.',
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

  app.post(
    '/api/imports/cases/headers',
    {
      schema: {
        tags,
        summary: 'Read a file’s header row against a source: which column each field comes from, what is missing, the first rows',
        consumes: ['multipart/form-data'],
        description: 'multipart/form-data: `file`, `source`, optional `mapping` as for POST /api/imports/cases. Nothing is stored.',
        response: { 200: CaseImportHeadersSchema, ...uploadErrorResponses },
      },
    },
    async (req) => {
      const actor = actorOf(req)
      service.assertMayImport(actor)
      return service.headers(actor, await readUpload(req, { maxBytes }))
    },
  )
}
