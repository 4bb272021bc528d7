import {
  ACTION_BODIES,
  CaseDetailSchema,
  CaseListQuery,
  CaseListSchema,
  CASE_ACTIONS,
  CASE_MAX_FILES,
  CASE_PHOTO_MAX_BYTES,
  CategorySchema,
  CreateCaseBody,
  CreateCategoryBody,
  CreateRoutingRuleBody,
  IdParams,
  NotificationSchema,
  RoutingRuleSchema,
  UpdateCategoryBody,
} from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, uploadErrorResponses } from '../../platform/errors.ts'
import { readUpload } from '../../platform/uploads.ts'
import type { EventBus } from '../../platform/events.ts'
import type { CasesService } from './cases.service.ts'
import type { CategoriesService } from './categories.service.ts'
import * as repo from './cases.repository.ts'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'

export function caseRoutes(app: App, service: CasesService, categories: CategoriesService) {
  const tags = ['cases']
  app.post(
    '/api/cases',
    { schema: { tags, summary: 'Raise a case (idempotent by clientId)', body: CreateCaseBody, response: { 200: CaseDetailSchema, 201: CaseDetailSchema, ...errorResponses } } },
    async (req, reply) => {
      const { detail, created } = await service.create(actorOf(req), req.body)
      return reply.status(created ? 201 : 200).send(detail)
    },
  )
  app.get(
    '/api/cases',
    { schema: { tags, summary: 'Cases in the caller’s area or unit; work queues with ?queue=', querystring: CaseListQuery, response: { 200: CaseListSchema, ...errorResponses } } },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.get('/api/cases/:id', { schema: { tags, summary: 'A case with its timeline (events) and the actions the caller may take', params: IdParams, response: { 200: CaseDetailSchema, ...errorResponses } } }, async (req) =>
    service.get(actorOf(req), req.params.id),
  )
  app.post(
    '/api/cases/:id/actions/:action',
    {
      schema: {
        tags,
        summary: `Act on a case: ${CASE_ACTIONS.join(', ')}. A wrong state answers 409 invalid_transition.`,
        description: Object.entries(ACTION_BODIES)
          .map(([a, s]) => `${a}: ${Object.keys((s as { properties: object }).properties).join(', ') || '(no fields)'}`)
          .join('\n'),
        params: Type.Object({ id: Type.String({ format: 'uuid' }), action: Type.String({ maxLength: 40 }) }),
        body: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        response: { 200: CaseDetailSchema, ...errorResponses },
      },
    },
    async (req) => service.act(actorOf(req), req.params.id, req.params.action, req.body ?? {}),
  )

  app.post(
    '/api/cases/:id/files',
    {
      schema: {
        tags,
        summary: `Add a photo to a case (multipart \`file\`: JPEG, PNG or WebP, ≤ 8 MB, ≤ ${CASE_MAX_FILES} per case); a timeline row 'attach'`,
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: CaseDetailSchema, ...uploadErrorResponses },
      },
    },
    async (req, reply) => {
      const upload = await readUpload(req, { maxBytes: CASE_PHOTO_MAX_BYTES })
      return reply.status(201).send(await service.addFile(actorOf(req), req.params.id, upload))
    },
  )
  app.get(
    '/api/cases/:id/files/:fileId',
    { schema: { tags, summary: 'A photo of a case (the image)', params: Type.Object({ id: Type.String({ format: 'uuid' }), fileId: Type.String({ format: 'uuid' }) }) } },
    async (req, reply) => {
      const { file, stream } = await service.file(actorOf(req), req.params.id, req.params.fileId)
      return reply
        .header('content-type', file.content_type)
        .header('content-length', String(file.size))
        .header('cache-control', 'private, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(stream)
    },
  )

  app.get('/api/categories', { schema: { tags: ['categories'], summary: 'The category tree', response: { 200: Type.Array(CategorySchema), ...errorResponses } } }, async (req) => {
    actorOf(req)
    return categories.list()
  })
  app.post(
    '/api/categories',
    { schema: { tags: ['categories'], summary: 'Add a category (categories.manage)', body: CreateCategoryBody, response: { 201: CategorySchema, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await categories.create(actorOf(req), req.body, req.ip)),
  )
  app.patch(
    '/api/categories/:code',
    { schema: { tags: ['categories'], summary: 'Change a category', params: Type.Object({ code: Type.String({ maxLength: 60 }) }), body: UpdateCategoryBody, response: { 200: CategorySchema, ...errorResponses } } },
    async (req) => categories.update(actorOf(req), req.params.code, req.body, req.ip),
  )
  app.get('/api/routing-rules', { schema: { tags: ['categories'], summary: 'Routing rules in or above the caller’s area', response: { 200: Type.Array(RoutingRuleSchema), ...errorResponses } } }, async (req) =>
    categories.rules(actorOf(req)),
  )
  app.post(
    '/api/routing-rules',
    { schema: { tags: ['categories'], summary: 'Set the rule for a category in a region subtree', body: CreateRoutingRuleBody, response: { 200: RoutingRuleSchema, ...errorResponses } } },
    async (req) => categories.upsertRule(actorOf(req), req.body, req.ip),
  )
}

/** In-app notifications and their live push (SSE). */
export function notificationRoutes(app: App, db: Kysely<DB>, bus: EventBus) {
  const tags = ['notifications']
  const toNotification = (n: Awaited<ReturnType<typeof repo.listNotifications>>[number]) => ({
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    caseId: n.case_id,
    readAt: n.read_at?.toISOString() ?? null,
    createdAt: n.created_at.toISOString(),
  })
  app.get(
    '/api/notifications',
    {
      schema: {
        tags,
        summary: 'My notifications, newest first',
        querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(NotificationSchema), ...errorResponses },
      },
    },
    async (req) => (await repo.listNotifications(db, actorOf(req).userId, !!req.query.unread, req.query.limit ?? 50)).map(toNotification),
  )
  app.post(
    '/api/notifications/read',
    {
      schema: {
        tags,
        summary: 'Mark notifications read (ids, or all)',
        body: Type.Union([Type.Object({ ids: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 500 }) }, { additionalProperties: false }), Type.Object({ all: Type.Literal(true) }, { additionalProperties: false })]),
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errorResponses },
      },
    },
    async (req) => ({ updated: await repo.markRead(db, actorOf(req).userId, 'all' in req.body ? 'all' : req.body.ids) }),
  )
  app.get('/api/notifications/stream', { schema: { tags, summary: 'Live notifications (Server-Sent Events)' } }, async (req, reply) => {
    const actor = actorOf(req)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    res.write(`retry: 5000\n\n`)
    const off = bus.subscribe('notification.created', (event) => {
      const p = event.payload as { userId: string; notification: unknown }
      if (p.userId === actor.userId) res.write(`event: notification\ndata: ${JSON.stringify(p.notification)}\n\n`)
    })
    const ping = setInterval(() => res.write(`: ping\n\n`), 25_000)
    req.raw.on('close', () => {
      clearInterval(ping)
      off()
    })
  })
}
