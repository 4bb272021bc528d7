import { CreatePushKeyBody, IdParams, PushCasesBody, PushCasesResponseSchema, PushKeyCreatedSchema, PushKeyListSchema, PushKeySchema } from '@minqing/common'
import type { FastifyRequest } from 'fastify'
import type { App } from '../../context.ts'
import type { ApiClientRow } from '../../platform/api-keys.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, errorSchemas } from '../../platform/errors.ts'
import type { PushService } from './push.service.ts'

const tags = ['push']
/** 500 cases of up to 5,000 characters each. */
const PUSH_BODY_LIMIT = 16 * 1024 * 1024

const pushClients = new WeakMap<FastifyRequest, ApiClientRow>()

export function pushRoutes(app: App, service: PushService) {
  app.post(
    '/api/push/cases',
    {
      config: { public: true },
      bodyLimit: PUSH_BODY_LIMIT,
      // The key is checked before the body is read: a wrong key costs us nothing.
      onRequest: async (req) => {
        const key = req.headers['x-api-key']
        pushClients.set(req, await service.client(Array.isArray(key) ? key[0] : key))
      },
      schema: {
        tags,
        summary: 'Push cases from another platform (header X-Api-Key: a push key bound to a source)',
        description:
          'JSON body: one case or an array of up to 500, in our field names (externalId, title, description, regionCode, categoryCode, urgency, ' +
          'createdAt, reporterName, reporterPhone, address, lat, lng, status). (source, externalId) is the identity: a resend updates, never duplicates. ' +
          'Each item succeeds or fails on its own: `results[i]` has the case (caseId, number, created, updated) or an error.',
        body: PushCasesBody,
        response: { 200: PushCasesResponseSchema, ...errorSchemas(400, 403, 413, 415) },
      },
    },
    async (req) => service.push(pushClients.get(req)!, req.body),
  )

  app.get('/api/push/keys', { schema: { tags, summary: 'Push API keys of the caller’s area (intake.manage)', response: { 200: PushKeyListSchema, ...errorResponses } } }, async (req) =>
    service.listKeys(actorOf(req)),
  )
  app.post(
    '/api/push/keys',
    {
      schema: {
        tags,
        summary: 'Issue a push key for a source (intake.manage); the key is shown this once',
        body: CreatePushKeyBody,
        response: { 201: PushKeyCreatedSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createKey(actorOf(req), req.body, req.ip)),
  )
  app.delete('/api/push/keys/:id', { schema: { tags, summary: 'Revoke a push key at once (intake.manage)', params: IdParams, response: { 200: PushKeySchema, ...errorResponses } } }, async (req) =>
    service.revokeKey(actorOf(req), req.params.id, req.ip),
  )
}
