import {
  ACTION_BODIES,
  type ActionBody,
  CASE_ACTION_TABLE,
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
  RoutingRuleSchema,
  UpdateCategoryBody,
} from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, uploadErrorResponses } from '../../platform/errors.ts'
import { readUpload } from '../../platform/uploads.ts'
import type { CasesService } from './cases.service.ts'
import type { CategoriesService } from './categories.service.ts'

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
  app.get(
    '/api/cases/:id',
    { schema: { tags, summary: 'A case with its timeline (events) and the actions the caller may take', params: IdParams, response: { 200: CaseDetailSchema, ...errorResponses } } },
    async (req) => service.get(actorOf(req), req.params.id),
  )
  // One route per action of the lifecycle table, each with its own body schema (OpenAPI shows each). A case
  // out of the caller's sight answers 404 before its body is looked at; an unknown action has no route (404).
  const ActionParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
  for (const action of CASE_ACTIONS) {
    const spec = CASE_ACTION_TABLE[action]
    app.post(
      `/api/cases/:id/actions/${action}`,
      {
        schema: {
          tags,
          summary: spec.summary,
          description: `From ${spec.from.join(', ')} to ${typeof spec.to === 'string' ? spec.to : spec.to.join(' or ')}; by ${spec.who.join(' or ')}.${spec.guard ? ` Guard: ${spec.guard}.` : ''} A wrong state answers 409 invalid_transition.`,
          params: ActionParams,
          body: ACTION_BODIES[action],
          response: { 200: CaseDetailSchema, ...errorResponses },
        },
        preValidation: async (req) => {
          const { id } = req.params as { id: string }
          // A malformed id is left to the params schema (400).
          if (UUID_RE.test(id)) await service.actions.visibleCase(actorOf(req), id)
          // Actions whose fields are all optional may come without a body.
          req.body ??= {}
        },
      },
      async (req) => {
        const actor = actorOf(req)
        await service.actions.transition(actor, req.params.id, action, req.body as ActionBody<typeof action>, new Date())
        return service.get(actor, req.params.id)
      },
    )
  }

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
    {
      schema: {
        tags: ['categories'],
        summary: 'Change a category',
        params: Type.Object({ code: Type.String({ maxLength: 60 }) }),
        body: UpdateCategoryBody,
        response: { 200: CategorySchema, ...errorResponses },
      },
    },
    async (req) => categories.update(actorOf(req), req.params.code, req.body, req.ip),
  )
  app.get(
    '/api/routing-rules',
    { schema: { tags: ['categories'], summary: 'Routing rules in or above the caller’s area', response: { 200: Type.Array(RoutingRuleSchema), ...errorResponses } } },
    async (req) => categories.rules(actorOf(req)),
  )
  app.post(
    '/api/routing-rules',
    { schema: { tags: ['categories'], summary: 'Set the rule for a category in a region subtree', body: CreateRoutingRuleBody, response: { 200: RoutingRuleSchema, ...errorResponses } } },
    async (req) => categories.upsertRule(actorOf(req), req.body, req.ip),
  )
}
