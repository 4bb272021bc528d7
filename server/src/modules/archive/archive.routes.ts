import {
  CreateHouseholdBody,
  CreatePersonBody,
  CreateTagBody,
  DocumentSchema,
  HistoryEntrySchema,
  HouseholdDetailSchema,
  HouseholdListQuery,
  HouseholdListSchema,
  IdParams,
  PersonListQuery,
  PersonLookupQuery,
  PersonLookupSchema,
  PersonListSchema,
  PersonSchema,
  PersonSearchBody,
  RevealBody,
  RevealSchema,
  TagSchema,
  TimelineItemSchema,
  UpdateHouseholdBody,
  UpdatePersonBody,
} from '@minqing/common'
import Type from 'typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { badRequest, errorResponses, uploadErrorResponses } from '../../platform/errors.ts'
import { readUpload } from '../../platform/uploads.ts'
import { DOCUMENT_MAX_BYTES } from '@minqing/common'
import type { ArchiveService } from './archive.service.ts'

const tags = ['archive']
const multipart = {
  consumes: ['multipart/form-data'],
  description: 'multipart/form-data: `file` (image or PDF, ≤ 10 MB), `kind` (资料类别), `title`',
}

function sendXlsx(reply: FastifyReply, file: Buffer, name: string) {
  const filename = `${name}-${new Date().toISOString().slice(0, 10)}.xlsx`
  return reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('cache-control', 'private, no-store')
    .send(file)
}

/**
 * ID numbers never travel in a URL (access logs, proxies and browser history keep URLs): the person list's old
 * `?idNumber=` answers 400 ID_NUMBER_IN_URL before validation, pointing to POST /api/persons/search.
 */
async function refuseIdNumberInUrl(req: FastifyRequest) {
  const query = req.query as Record<string, unknown> | undefined
  if (query && Object.keys(query).some((k) => k.toLowerCase().replace(/[-_]/g, '') === 'idnumber')) throw badRequest('ID_NUMBER_IN_URL', '身份证号不能放在网址中,请用 POST /api/persons/search 查询')
}

export function archiveRoutes(app: App, service: ArchiveService) {
  app.get('/api/tags', { schema: { tags, summary: 'Tag catalogue', response: { 200: Type.Array(TagSchema), ...errorResponses } } }, async (req) => service.tags(actorOf(req)))
  app.post('/api/tags', { schema: { tags, summary: 'Add a tag (tags.manage)', body: CreateTagBody, response: { 201: TagSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await service.createTag(actorOf(req), req.body, req.ip)),
  )

  app.get(
    '/api/households',
    { schema: { tags, summary: 'Households in the caller’s area', querystring: HouseholdListQuery, response: { 200: HouseholdListSchema, ...errorResponses } } },
    async (req) => service.listHouseholds(actorOf(req), req.query),
  )
  app.post(
    '/api/households',
    { schema: { tags, summary: 'Create a household (archive.write)', body: CreateHouseholdBody, response: { 201: HouseholdDetailSchema, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await service.createHousehold(actorOf(req), req.body)),
  )
  app.get(
    '/api/households/export',
    { schema: { tags, summary: 'The filtered household list as XLSX (identifiers masked)', querystring: Type.Omit(HouseholdListQuery, ['limit', 'offset', 'nearLat', 'nearLng']) } },
    async (req, reply) => {
      const file = await service.exportHouseholds(actorOf(req), req.query)
      return sendXlsx(reply, file, '户籍档案')
    },
  )
  app.get(
    '/api/persons/export',
    {
      preValidation: refuseIdNumberInUrl,
      schema: { tags, summary: 'The filtered person list as XLSX (identifiers masked; birth dates only with archive.reveal)', querystring: Type.Omit(PersonListQuery, ['limit', 'offset']) },
    },
    async (req, reply) => {
      const file = await service.exportPersons(actorOf(req), req.query)
      return sendXlsx(reply, file, '人员')
    },
  )
  app.get('/api/households/:id', { schema: { tags, summary: 'A household with members and documents', params: IdParams, response: { 200: HouseholdDetailSchema, ...errorResponses } } }, async (req) =>
    service.getHousehold(actorOf(req), req.params.id),
  )
  app.patch(
    '/api/households/:id',
    { schema: { tags, summary: 'Change a household', params: IdParams, body: UpdateHouseholdBody, response: { 200: HouseholdDetailSchema, ...errorResponses } } },
    async (req) => service.updateHousehold(actorOf(req), req.params.id, req.body),
  )
  app.get(
    '/api/households/:id/history',
    { schema: { tags, summary: 'Changes to the household and its members', params: IdParams, response: { 200: Type.Array(HistoryEntrySchema), ...errorResponses } } },
    async (req) => service.householdHistory(actorOf(req), req.params.id),
  )
  app.get(
    '/api/households/:id/timeline',
    { schema: { tags, summary: '一事一表: everything that happened for the household', params: IdParams, response: { 200: Type.Array(TimelineItemSchema), ...errorResponses } } },
    async (req) => service.householdTimeline(actorOf(req), req.params.id),
  )
  app.post(
    '/api/households/:id/documents',
    { schema: { tags, summary: 'Upload a document to a household', ...multipart, params: IdParams, response: { 201: DocumentSchema, ...uploadErrorResponses } } },
    async (req, reply) => {
      const upload = await readUpload(req, { maxBytes: DOCUMENT_MAX_BYTES })
      return reply.status(201).send(await service.addDocument(actorOf(req), 'household', req.params.id, upload))
    },
  )

  app.get(
    '/api/persons',
    {
      preValidation: refuseIdNumberInUrl,
      schema: {
        tags,
        summary: 'Persons in the caller’s area, filtered (an ID number: POST /api/persons/search)',
        querystring: PersonListQuery,
        response: { 200: PersonListSchema, ...errorResponses },
      },
    },
    async (req) => service.listPersons(actorOf(req), req.query),
  )
  app.post(
    '/api/persons/search',
    {
      schema: {
        tags,
        summary: 'The person list with its filters in the body, and an exact ID number (never in a URL)',
        body: PersonSearchBody,
        response: { 200: PersonListSchema, ...errorResponses },
      },
    },
    async (req) => service.searchPersons(actorOf(req), req.body),
  )
  app.post('/api/persons', { schema: { tags, summary: 'Add a person (archive.write)', body: CreatePersonBody, response: { 201: PersonSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await service.createPerson(actorOf(req), req.body)),
  )
  app.get(
    '/api/persons/lookup',
    {
      schema: {
        tags,
        summary:
          'Persons of the caller’s area with this phone (own or household contact), masked — the hotline form’s caller lookup; rate-limited per user and address (429 TOO_MANY_ATTEMPTS), audited',
        querystring: PersonLookupQuery,
        response: { 200: PersonLookupSchema, ...errorResponses },
      },
    },
    async (req) => service.lookupByPhone(actorOf(req), req.query.phone, req.ip),
  )
  app.get('/api/persons/:id', { schema: { tags, summary: 'One person', params: IdParams, response: { 200: PersonSchema, ...errorResponses } } }, async (req) =>
    service.getPerson(actorOf(req), req.params.id),
  )
  app.patch('/api/persons/:id', { schema: { tags, summary: 'Change a person', params: IdParams, body: UpdatePersonBody, response: { 200: PersonSchema, ...errorResponses } } }, async (req) =>
    service.updatePerson(actorOf(req), req.params.id, req.body),
  )
  app.get('/api/persons/:id/history', { schema: { tags, summary: 'Changes to a person', params: IdParams, response: { 200: Type.Array(HistoryEntrySchema), ...errorResponses } } }, async (req) =>
    service.personHistory(actorOf(req), req.params.id),
  )
  app.post(
    '/api/persons/:id/reveal',
    { schema: { tags, summary: 'The full ID number or phone (archive.reveal; audited)', params: IdParams, body: RevealBody, response: { 200: RevealSchema, ...errorResponses } } },
    async (req) => service.reveal(actorOf(req), req.params.id, req.body.field, req.ip),
  )
  app.post(
    '/api/persons/:id/documents',
    { schema: { tags, summary: 'Upload a document to a person', ...multipart, params: IdParams, response: { 201: DocumentSchema, ...uploadErrorResponses } } },
    async (req, reply) => {
      const upload = await readUpload(req, { maxBytes: DOCUMENT_MAX_BYTES })
      return reply.status(201).send(await service.addDocument(actorOf(req), 'person', req.params.id, upload))
    },
  )

  app.get('/api/documents/:id/download', { schema: { tags, summary: 'Download a document (the file itself; errors as JSON)', params: IdParams } }, async (req, reply) => {
    const { doc, stream } = await service.documentForDownload(actorOf(req), req.params.id)
    const ascii = doc.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
    return reply
      .header('content-type', doc.content_type)
      .header('content-length', String(doc.size))
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(doc.filename)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(stream)
  })
}
