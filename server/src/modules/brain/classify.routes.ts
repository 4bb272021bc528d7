import { ClassifyBody, ClassifyResultSchema, IdParams, CasePushBody, CasePushResultSchema } from '@minqing/common'
import type { App } from '../../context.ts'
import type { RateRule } from '../../config.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, errorSchemas } from '../../platform/errors.ts'
import type { RateLimiter } from '../../platform/ratelimit.ts'
import type { BrainClassifier } from './classify.service.ts'
import type { BrainTriage } from './triage.service.ts'

const tags = ['brain']

export function classifyRoutes(app: App, classifier: BrainClassifier, triage: BrainTriage, publicLimit: { limiter: RateLimiter; rule: RateRule }) {
  app.post(
    '/api/brain/classify',
    {
      schema: {
        tags,
        summary: 'Top-3 categories for a text, with a confidence (staff who raise, report or dispatch cases)',
        body: ClassifyBody,
        response: { 200: ClassifyResultSchema, ...errorResponses },
      },
    },
    async (req) => classifier.classify(actorOf(req), req.body.text, req.body.level),
  )
  app.post(
    '/api/public/classify',
    {
      config: { public: true },
      bodyLimit: 32 * 1024,
      schema: {
        tags,
        summary: 'The 民情码 page’s category suggestions (no account; limited per address, 429 RATE_LIMITED with Retry-After)',
        body: ClassifyBody,
        response: { 200: ClassifyResultSchema, ...errorSchemas(400, 429) },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store')
      return classifier.classifyPublic(publicLimit.limiter, publicLimit.rule, req.ip, req.body.text)
    },
  )
  app.post(
    '/api/cases/:id/push',
    {
      schema: {
        tags: ['cases'],
        summary: '一键推送: push a case to the town’s leaders and the county duty officer (cases.push; 409 ALREADY_PUSHED within the cool-down)',
        params: IdParams,
        body: CasePushBody,
        response: { 200: CasePushResultSchema, ...errorResponses },
      },
    },
    async (req) => triage.push(actorOf(req), req.params.id, req.body.note),
  )
}
