import { CallbackBody, CallbackListQuery, CallbackListSchema, CallbackPhoneSchema, CallbackResultSchema, IdParams } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { CallbacksService } from './callbacks.service.ts'

/** 回访: the queue of answered cases to call back, the reporter's phone for the call, and the call's outcome. */
export function callbackRoutes(app: App, service: CallbacksService) {
  const tags = ['cases']
  app.get(
    '/api/callbacks',
    {
      schema: {
        tags,
        summary: '待回访: replied, unrated cases of hotline and walk-in reporters (and a sample of the others) in the caller’s area, not handled by the caller (cases.callback)',
        querystring: CallbackListQuery,
        response: { 200: CallbackListSchema, ...errorResponses },
      },
    },
    async (req) => service.queue(actorOf(req), req.query),
  )
  app.post(
    '/api/cases/:id/callback/phone',
    {
      schema: {
        tags,
        summary: 'The reporter’s phone for a call-back (written to the audit log). 403 for someone who handled the case, 409 when not waiting for a rating',
        params: IdParams,
        response: { 200: CallbackPhoneSchema, ...errorResponses },
      },
    },
    async (req) => service.phone(actorOf(req), req.params.id, req.ip),
  )
  app.post(
    '/api/cases/:id/callback',
    {
      schema: {
        tags,
        summary:
          'Record a call-back: `rated` records the rating the reporter gave on the phone (the case’s own rate: satisfied closes, unsatisfied reopens); `unreachable` leaves the case in the queue for another try. A timeline row `callback` names the caller.',
        params: IdParams,
        body: CallbackBody,
        response: { 200: CallbackResultSchema, ...errorResponses },
      },
    },
    async (req) => service.record(actorOf(req), req.params.id, req.body),
  )
}
