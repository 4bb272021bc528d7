import { CreateEnterpriseBody, CreatePlaceBody, EnterpriseListQuery, EnterpriseSchema, IdParams, PlaceListQuery, PlaceSchema, UpdateEnterpriseBody, UpdatePlaceBody } from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { EnterprisesService } from './enterprises.service.ts'

const tags = ['archive']

export function enterpriseRoutes(app: App, service: EnterprisesService) {
  app.get(
    '/api/enterprises',
    {
      schema: {
        tags,
        summary: 'Enterprises in the caller’s area',
        querystring: EnterpriseListQuery,
        response: { 200: Type.Object({ items: Type.Array(EnterpriseSchema), total: Type.Integer() }), ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.post('/api/enterprises', { schema: { tags, summary: 'Add an enterprise', body: CreateEnterpriseBody, response: { 201: EnterpriseSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await service.create(actorOf(req), req.body)),
  )
  app.get('/api/enterprises/:id', { schema: { tags, summary: 'One enterprise', params: IdParams, response: { 200: EnterpriseSchema, ...errorResponses } } }, async (req) =>
    service.get(actorOf(req), req.params.id),
  )
  app.patch(
    '/api/enterprises/:id',
    { schema: { tags, summary: 'Change an enterprise', params: IdParams, body: UpdateEnterpriseBody, response: { 200: EnterpriseSchema, ...errorResponses } } },
    async (req) => service.update(actorOf(req), req.params.id, req.body),
  )
  app.get(
    '/api/places',
    {
      schema: {
        tags,
        summary: 'Places (民情角, 党群服务中心…) in the caller’s area',
        querystring: PlaceListQuery,
        response: { 200: Type.Object({ items: Type.Array(PlaceSchema), total: Type.Integer() }), ...errorResponses },
      },
    },
    async (req) => service.listPlaces(actorOf(req), req.query),
  )
  app.post('/api/places', { schema: { tags, summary: 'Add a place', body: CreatePlaceBody, response: { 201: PlaceSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await service.createPlace(actorOf(req), req.body)),
  )
  app.get('/api/places/:id', { schema: { tags, summary: 'One place', params: IdParams, response: { 200: PlaceSchema, ...errorResponses } } }, async (req) =>
    service.getPlace(actorOf(req), req.params.id),
  )
  app.patch('/api/places/:id', { schema: { tags, summary: 'Change a place', params: IdParams, body: UpdatePlaceBody, response: { 200: PlaceSchema, ...errorResponses } } }, async (req) =>
    service.updatePlace(actorOf(req), req.params.id, req.body),
  )
}
