import {
  CreateOpen311KeyBody,
  IdParams,
  Open311DiscoverySchema,
  Open311ErrorsSchema,
  Open311JurisdictionQuery,
  Open311KeyCreatedSchema,
  Open311KeyListSchema,
  Open311KeySchema,
  Open311PostRequestForm,
  Open311PostUpdateForm,
  Open311RequestCreatedSchema,
  Open311RequestsQuery,
  Open311RequestsSchema,
  Open311ServiceDefinitionSchema,
  Open311ServicesSchema,
  Open311TokenSchema,
  Open311UpdateCreatedSchema,
  Open311UpdatesQuery,
  Open311UpdatesSchema,
} from '@minqing/common'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import Type, { type TSchema } from 'typebox'
import Value from 'typebox/value'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { AppError, errorResponses } from '../../platform/errors.ts'
import type { Open311KeysService } from './keys.service.ts'
import { type Format, formatOfUrl, parseForm, splitFormat, toXml } from './format.ts'
import { o311Error, type Open311Service, type Photo } from './open311.service.ts'

const PREFIX = '/open311/v2'
const EXTENSIONS = ['', '.json', '.xml'] as const
/** Photos sent with a multipart POST requests (field `media`): each is checked by the case engine too. */
const MAX_PHOTO_BYTES = 8 * 1024 * 1024

/** The spec's XML roots per answer (the JSON is the list itself). */
function send(reply: FastifyReply, format: Format, root: string, data: unknown) {
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(root, data as never))
  return reply.type('application/json; charset=utf-8').send(data)
}

const errorsSchemas = { 400: Open311ErrorsSchema, 403: Open311ErrorsSchema, 404: Open311ErrorsSchema }
const tags = ['open311']

/** Our site as clients and residents reach it: PUBLIC_URL when set, else what this request came in by. */
function origin(req: FastifyRequest, publicUrl: string | undefined) {
  return publicUrl ? publicUrl.replace(/\/+$/, '') : `${req.protocol}://${req.host}`
}
const baseUrl = (req: FastifyRequest, publicUrl: string | undefined) => origin(req, publicUrl) + PREFIX

function checkForm(schema: TSchema, form: Record<string, unknown>) {
  if (Value.Check(schema, form)) return
  const first = [...Value.Errors(schema, form)][0]
  const field = first?.instancePath.replace(/^\//, '') || 'body'
  throw o311Error(400, `${field}: ${first?.message ?? 'invalid'}`)
}

/** Form fields and photos of a POST: form-encoded (the spec), multipart (with `media` photos) or JSON. */
async function readForm(req: FastifyRequest): Promise<{ form: Record<string, unknown>; photos: Photo[] }> {
  if (!req.isMultipart()) {
    const body = req.body
    return { form: body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {}, photos: [] }
  }
  const form: Record<string, unknown> = {}
  const photos: Photo[] = []
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'media') {
          part.file.resume()
          continue
        }
        const chunks: Buffer[] = []
        let size = 0
        for await (const chunk of part.file) {
          size += chunk.length
          if (size > MAX_PHOTO_BYTES) throw new AppError(413, 'PAYLOAD_TOO_LARGE', `media is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`)
          chunks.push(chunk as Buffer)
        }
        if (part.file.truncated) throw new AppError(413, 'PAYLOAD_TOO_LARGE', 'media is too large')
        if (size > 0) photos.push({ filename: part.filename || 'media', data: Buffer.concat(chunks) })
      } else if (!(part.fieldname in form)) {
        form[part.fieldname] = String(part.value)
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    const code = (err as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'PAYLOAD_TOO_LARGE', 'media is too large')
    if (code === 'FST_FILES_LIMIT') throw o311Error(400, 'one media file per request')
    throw o311Error(400, `the multipart body could not be read: ${(err as Error).message}`)
  }
  return { form, photos }
}

/** GeoReport v2 and servicerequestupdates at /open311/v2, JSON or XML by extension, errors as the spec's arrays. */
export function open311Routes(app: App, service: Open311Service, publicUrl: string | undefined) {
  app.register(
    async (plain) => {
      const o = plain.withTypeProvider<TypeBoxTypeProvider>()
      // The spec's POSTs are form-encoded; the parser is this plugin's own (nothing else takes forms).
      o.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(body as string)))

      o.setErrorHandler((err: FastifyError | AppError, req, reply) => {
        const format = formatOfUrl(req.url)
        let status = 500
        let description = 'internal error'
        if (err instanceof AppError) {
          status = err.status
          description = err.message
          if (err.headers) reply.headers(err.headers)
        } else if ((err as FastifyError).validation) {
          status = 400
          description = err.message
        } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
          status = err.statusCode
          description = err.message
        } else {
          req.log.error({ err }, 'open311: unhandled error')
        }
        return send(reply.status(status), format, 'errors', [{ code: status, description }])
      })
      const noSuchResource = (req: FastifyRequest, reply: FastifyReply) =>
        send(reply.status(404), formatOfUrl(req.url), 'errors', [{ code: 404, description: `no such Open311 resource: ${req.method} ${req.url.split('?')[0]}` }])
      o.setNotFoundHandler(noSuchResource)
      // When the server also serves the web app, its catch-all GET route would take unknown paths here to the
      // app's own 404 (or to index.html): claim the whole prefix so they stay Open311 errors.
      o.all('/*', { schema: { hide: true } }, noSuchResource)

      for (const ext of EXTENSIONS) {
        const format: Format = ext === '.xml' ? 'xml' : 'json'
        o.get(`/discovery${ext}`, { schema: { tags, summary: 'Open311 service discovery', response: { 200: Open311DiscoverySchema, ...errorsSchemas } } }, async (req, reply) =>
          send(reply, format, 'discovery', service.discovery(baseUrl(req, publicUrl))),
        )
        o.get(
          `/services${ext}`,
          { schema: { tags, summary: 'Service types: our case categories', querystring: Open311JurisdictionQuery, response: { 200: Open311ServicesSchema, ...errorsSchemas } } },
          async (req, reply) => send(reply, format, 'services', await service.services(req.query.jurisdiction_id)),
        )
        o.get(
          `/requests${ext}`,
          {
            schema: {
              tags,
              summary: 'Service requests (cases that came in through Open311): last 90 days by default, at most 1000, newest first',
              querystring: Open311RequestsQuery,
              response: { 200: Open311RequestsSchema, ...errorsSchemas },
            },
          },
          async (req, reply) => send(reply, format, 'service_requests', await service.listRequests(req.query, baseUrl(req, publicUrl))),
        )
        o.post(
          `/requests${ext}`,
          {
            schema: {
              tags,
              summary: 'Report a service request (form-encoded, or multipart with a `media` photo); needs api_key',
              description: `Fields: ${Object.keys(Open311PostRequestForm.properties).join(', ')}, attribute[region_code]`,
              response: { 200: Open311RequestCreatedSchema, ...errorsSchemas },
            },
          },
          async (req, reply) => {
            const { form, photos } = await readForm(req)
            checkForm(Open311PostRequestForm, form)
            return send(reply, format, 'service_requests', await service.createRequest(form, photos, origin(req, publicUrl)))
          },
        )
        o.get(
          `/servicerequestupdates${ext}`,
          {
            schema: {
              tags,
              summary: 'Updates of service requests (mySociety extension), oldest first, at most 1000',
              querystring: Open311UpdatesQuery,
              response: { 200: Open311UpdatesSchema, ...errorsSchemas },
            },
          },
          async (req, reply) => send(reply, format, 'service_request_updates', await service.listUpdates(req.query, baseUrl(req, publicUrl))),
        )
        o.post(
          `/servicerequestupdates${ext}`,
          {
            schema: {
              tags,
              summary: 'A client’s update on a service request (mySociety extension): kept on the case’s timeline; needs api_key',
              description: `Fields: ${Object.keys(Open311PostUpdateForm.properties).join(', ')}`,
              response: { 200: Open311UpdateCreatedSchema, ...errorsSchemas },
            },
          },
          async (req, reply) => {
            const { form } = await readForm(req)
            checkForm(Open311PostUpdateForm, form)
            return send(reply, format, 'service_request_updates', await service.postUpdate(form))
          },
        )
      }

      o.get(
        '/services/:code',
        {
          schema: {
            tags,
            summary: 'A service’s definition (its attributes)',
            params: Type.Object({ code: Type.String({ maxLength: 80 }) }),
            querystring: Open311JurisdictionQuery,
            response: { 200: Open311ServiceDefinitionSchema, ...errorsSchemas },
          },
        },
        async (req, reply) => {
          const { name, format } = splitFormat(req.params.code)
          return send(reply, format, 'service_definition', await service.serviceDefinition(name, req.query.jurisdiction_id))
        },
      )
      o.get(
        '/requests/:id',
        {
          schema: {
            tags,
            summary: 'One service request (a list of one, as the spec has it)',
            params: Type.Object({ id: Type.String({ maxLength: 60 }) }),
            querystring: Open311JurisdictionQuery,
            response: { 200: Open311RequestsSchema, ...errorsSchemas, 429: Open311ErrorsSchema },
          },
        },
        async (req, reply) => {
          const { name, format } = splitFormat(req.params.id)
          return send(reply, format, 'service_requests', await service.getRequest(name, baseUrl(req, publicUrl), req.ip))
        },
      )
      o.get(
        '/tokens/:token',
        {
          schema: {
            tags,
            summary: 'The service request of a token (the token a POST answered)',
            params: Type.Object({ token: Type.String({ maxLength: 60 }) }),
            querystring: Open311JurisdictionQuery,
            response: { 200: Open311TokenSchema, ...errorsSchemas, 429: Open311ErrorsSchema },
          },
        },
        async (req, reply) => {
          const { name, format } = splitFormat(req.params.token)
          return send(reply, format, 'service_requests', await service.token(name, req.ip))
        },
      )
      o.get(
        '/media/:number/:file',
        { schema: { tags, summary: 'A photo of a service request (what media_url points at)', params: Type.Object({ number: Type.String({ maxLength: 60 }), file: Type.String({ maxLength: 60 }) }) } },
        async (req, reply) => {
          const m = await service.media(req.params.number, req.params.file)
          reply.header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=86400').header('content-length', m.size)
          return reply.type(m.contentType).send(m.stream)
        },
      )
    },
    { prefix: PREFIX },
  )
}

/** The console's key management (signed in, intake.manage). */
export function open311KeyRoutes(app: App, keys: Open311KeysService) {
  const keyTags = ['open311']
  app.post(
    '/api/open311/keys',
    { schema: { tags: keyTags, summary: 'Issue an Open311 API key (shown once)', body: CreateOpen311KeyBody, response: { 201: Open311KeyCreatedSchema, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await keys.create(actorOf(req), req.body, req.ip)),
  )
  app.get(
    '/api/open311/keys',
    { schema: { tags: keyTags, summary: 'Open311 API keys in the caller’s area (never the keys themselves)', response: { 200: Open311KeyListSchema, ...errorResponses } } },
    async (req) => keys.list(actorOf(req)),
  )
  app.delete(
    '/api/open311/keys/:id',
    { schema: { tags: keyTags, summary: 'Revoke an Open311 API key at once', params: IdParams, response: { 200: Open311KeySchema, ...errorResponses } } },
    async (req) => keys.revoke(actorOf(req), req.params.id, req.ip),
  )
}
