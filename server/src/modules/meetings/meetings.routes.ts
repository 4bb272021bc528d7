import {
  AddDecisionBody,
  CreateMeetingBody,
  DecisionParams,
  DecisionToCaseBody,
  DecisionToTaskBody,
  IdParams,
  MeetingChoicesQuery,
  MeetingChoicesSchema,
  MeetingListQuery,
  MeetingListSchema,
  MeetingSchema,
  UpdateMeetingBody,
} from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { MeetingsService } from './meetings.service.ts'

/** 民情分析会 / 民情月商会 / 议事会: minutes, attendees, the weekly report discussed, decisions that become cases or tasks. */
export function meetingRoutes(app: App, service: MeetingsService) {
  const tags = ['meetings']
  app.get(
    '/api/meetings',
    {
      schema: {
        tags,
        summary: 'Meetings of the caller’s area (or one region of it), newest first, with decision counts',
        querystring: MeetingListQuery,
        response: { 200: MeetingListSchema, ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.post(
    '/api/meetings',
    {
      schema: {
        tags,
        summary:
          'Record a meeting in the caller’s area (meetings.write): kind, region, date, place, attendees (staff of the area or above) and guests, the weekly report discussed (regionCode + ISO week), minutes',
        body: CreateMeetingBody,
        response: { 201: MeetingSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.create(actorOf(req), req.body)),
  )
  app.get(
    '/api/meetings/choices',
    {
      schema: {
        tags,
        summary: 'For a meeting of a region of the caller’s area (meetings.write): the staff who may attend and the units that may own decisions',
        querystring: MeetingChoicesQuery,
        response: { 200: MeetingChoicesSchema, ...errorResponses },
      },
    },
    async (req) => service.choices(actorOf(req), req.query.regionCode),
  )
  app.get(
    '/api/meetings/:id',
    {
      schema: {
        tags,
        summary: 'One meeting: decisions with their live case/task progress, and the previous meeting of the same kind and region with its open decisions (404 out of sight)',
        params: IdParams,
        response: { 200: MeetingSchema, ...errorResponses },
      },
    },
    async (req) => service.get(actorOf(req), req.params.id),
  )
  app.patch(
    '/api/meetings/:id',
    {
      schema: {
        tags,
        summary: 'Change the date, place, attendees, guests, report discussed or minutes',
        params: IdParams,
        body: UpdateMeetingBody,
        response: { 200: MeetingSchema, ...errorResponses },
      },
    },
    async (req) => service.update(actorOf(req), req.params.id, req.body),
  )
  app.post(
    '/api/meetings/:id/decisions',
    {
      schema: {
        tags,
        summary: 'A decision with an owner (a unit in sight, or a named owner) and a due date',
        params: IdParams,
        body: AddDecisionBody,
        response: { 201: MeetingSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.addDecision(actorOf(req), req.params.id, req.body)),
  )
  app.post(
    '/api/meetings/:id/decisions/:decisionId/case',
    {
      schema: {
        tags,
        summary: '转为事项: raised through the case intake in the meeting’s region and dispatched to the owner unit (409 DECISION_CONVERTED when it was converted already)',
        params: DecisionParams,
        body: DecisionToCaseBody,
        response: { 200: MeetingSchema, ...errorResponses },
      },
    },
    async (req) => service.toCase(actorOf(req), req.params.id, req.params.decisionId, req.body),
  )
  app.post(
    '/api/meetings/:id/decisions/:decisionId/task',
    {
      schema: {
        tags,
        summary: '转为任务: published through the tasks service in the meeting’s region, ending on the due date (409 DECISION_CONVERTED when converted already)',
        params: DecisionParams,
        body: DecisionToTaskBody,
        response: { 200: MeetingSchema, ...errorResponses },
      },
    },
    async (req) => service.toTask(actorOf(req), req.params.id, req.params.decisionId, req.body),
  )
}
