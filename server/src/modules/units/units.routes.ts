import { CreateUnitBody, IdParams, UnitListQuery, UnitSchema, UpdateUnitBody } from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { UnitsService } from './units.service.ts'

const tags = ['units']

export function unitRoutes(app: App, service: UnitsService) {
  app.get(
    '/api/units',
    {
      schema: {
        tags,
        summary: 'Units in the caller’s area',
        querystring: UnitListQuery,
        response: { 200: Type.Object({ items: Type.Array(UnitSchema), total: Type.Integer() }), ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.get('/api/units/:id', { schema: { tags, summary: 'One unit', params: IdParams, response: { 200: UnitSchema, ...errorResponses } } }, async (req) => service.get(actorOf(req), req.params.id))
  app.post('/api/units', { schema: { tags, summary: 'Create a unit (admin)', body: CreateUnitBody, response: { 201: UnitSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await service.create(actorOf(req), req.body, req.ip)),
  )
  app.patch('/api/units/:id', { schema: { tags, summary: 'Change a unit (admin)', params: IdParams, body: UpdateUnitBody, response: { 200: UnitSchema, ...errorResponses } } }, async (req) =>
    service.update(actorOf(req), req.params.id, req.body, req.ip),
  )
}
