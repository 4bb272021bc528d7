import {
  CreatePactBody,
  IdParams,
  PactItemBody,
  PactItemParams,
  PactListQuery,
  PactListSchema,
  PactLogBody,
  PactNoteBody,
  PactPartnersSchema,
  PactSchema,
  PublicPactBoardSchema,
  RegionCodeParams,
  RatePactBody,
  SignPactBody,
} from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, errorSchemas } from '../../platform/errors.ts'
import type { PactsService } from './pacts.service.ts'

/** 契约化共建: 谈约 → 签约 → 亮约 → 履约 → 评约, in order (409 INVALID_TRANSITION otherwise), each step an event row. */
export function pactRoutes(app: App, service: PactsService, limitPublicRead: (ip: string) => Promise<void>) {
  const tags = ['pacts']
  app.get(
    '/api/public/pacts/:code',
    {
      config: { public: true },
      schema: {
        tags,
        summary:
          'The public 亮约 board of a village or community (or a grid’s village), no account: published pacts, items both ways, what was done, the rating; no staff names. 404 unknown or above village level; 429 per IP like the 民情码 page',
        security: [],
        params: RegionCodeParams,
        response: { 200: PublicPactBoardSchema, ...errorSchemas(400, 404, 429) },
      },
    },
    async (req, reply) => {
      await limitPublicRead(req.ip)
      reply.header('cache-control', 'no-store')
      return service.board(req.params.code)
    },
  )
  const one = { params: IdParams, response: { 200: PactSchema, ...errorResponses } }
  app.get(
    '/api/pacts',
    {
      schema: {
        tags,
        summary: 'Pacts of the communities of the caller’s area (and those of the caller’s own unit); board=true: the 亮约 board (published, fulfilling, rated)',
        querystring: PactListQuery,
        response: { 200: PactListSchema, ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.post(
    '/api/pacts',
    {
      schema: {
        tags,
        summary: '谈约: a new pact (negotiating) between a partner / department / enterprise unit and a community of the caller’s area, with draft items',
        body: CreatePactBody,
        response: { 201: PactSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.create(actorOf(req), req.body)),
  )
  app.get(
    '/api/pacts/partners',
    {
      schema: {
        tags,
        summary: 'Units a pact may be signed with: partner, department and enterprise units of the caller’s area or above it (pacts.write)',
        response: { 200: PactPartnersSchema, ...errorResponses },
      },
    },
    async (req) => service.partners(actorOf(req)),
  )
  app.get('/api/pacts/:id', { schema: { tags, summary: 'One pact: items both ways, the 履约 log with case/task progress, the state events', ...one } }, async (req) =>
    service.get(actorOf(req), req.params.id),
  )
  app.post(
    '/api/pacts/:id/items',
    { schema: { tags, summary: 'Add an item while negotiating (409 PACT_LOCKED after signing)', params: IdParams, body: PactItemBody, response: { 201: PactSchema, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await service.addItem(actorOf(req), req.params.id, req.body)),
  )
  app.delete(
    '/api/pacts/:id/items/:itemId',
    { schema: { tags, summary: 'Remove an item while negotiating (409 PACT_LOCKED after signing)', params: PactItemParams, response: { 200: PactSchema, ...errorResponses } } },
    async (req) => service.removeItem(actorOf(req), req.params.id, req.params.itemId),
  )
  app.post('/api/pacts/:id/sign', { schema: { tags, summary: '签约 (from negotiating, with at least one item): date and signatories', body: SignPactBody, ...one } }, async (req) =>
    service.sign(actorOf(req), req.params.id, req.body),
  )
  app.post('/api/pacts/:id/publish', { schema: { tags, summary: '亮约 (from signed): on the board', body: PactNoteBody, ...one } }, async (req) =>
    service.publish(actorOf(req), req.params.id, req.body),
  )
  app.post('/api/pacts/:id/fulfil', { schema: { tags, summary: '履约 begins (from published): the log opens', body: PactNoteBody, ...one } }, async (req) =>
    service.fulfil(actorOf(req), req.params.id, req.body),
  )
  app.post(
    '/api/pacts/:id/logs',
    {
      schema: {
        tags,
        summary: 'A 履约 log entry (only while fulfilling): what was done, for which item, linked to a case or task the caller can see',
        params: IdParams,
        body: PactLogBody,
        response: { 201: PactSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.addLog(actorOf(req), req.params.id, req.body)),
  )
  app.post('/api/pacts/:id/rate', { schema: { tags, summary: '评约 (from fulfilling): the community’s score 0–100 and comment', body: RatePactBody, ...one } }, async (req) =>
    service.rate(actorOf(req), req.params.id, req.body),
  )
}
