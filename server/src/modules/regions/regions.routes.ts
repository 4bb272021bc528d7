import { CreateGridBody, RegionCodeParams, RegionDetailSchema, RegionListQuery, RegionSchema, RegionSummarySchema, UpdateRegionBody } from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, errorSchemas } from '../../platform/errors.ts'
import type { RegionsService } from './regions.service.ts'

const errors = errorSchemas(400, 401, 403, 404)
const tags = ['regions']

export function regionRoutes(app: App, service: RegionsService) {
  app.get(
    '/api/regions',
    {
      schema: {
        tags,
        summary: 'Children of a region (?parent=CODE), regions matching ?q= in scope, or the caller’s own region',
        querystring: RegionListQuery,
        response: { 200: Type.Array(RegionSchema), ...errors },
      },
    },
    async (req) => {
      const actor = actorOf(req)
      if (req.query.parent) return service.children(actor, req.query.parent, req.query.q)
      if (req.query.q) return service.search(actor, req.query.q)
      return service.roots(actor)
    },
  )

  app.get('/api/regions/:code', { schema: { tags, summary: 'One region with its ancestors', params: RegionCodeParams, response: { 200: RegionDetailSchema, ...errors } } }, async (req) =>
    service.get(actorOf(req), req.params.code),
  )

  app.get(
    '/api/regions/:code/summary',
    {
      schema: { tags, summary: 'Counts per child region', params: RegionCodeParams, response: { 200: RegionSummarySchema, ...errors } },
    },
    async (req) => service.summary(actorOf(req), req.params.code),
  )

  app.post('/api/regions', { schema: { tags, summary: 'Create a grid under a village (admin)', body: CreateGridBody, response: { 201: RegionSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await service.createGrid(actorOf(req), req.body, req.ip)),
  )

  app.patch('/api/regions/:code', { schema: { tags, summary: 'Rename a region (admin)', params: RegionCodeParams, body: UpdateRegionBody, response: { 200: RegionSchema, ...errors } } }, async (req) =>
    service.rename(actorOf(req), req.params.code, req.body.name, req.ip),
  )
}
