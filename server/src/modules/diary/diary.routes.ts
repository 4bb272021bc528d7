import {
  ComplianceQuery,
  ComplianceSchema,
  CreateDiaryBody,
  CreateVisitDayBody,
  DiaryCommentBody,
  DiaryEntrySchema,
  DiaryListQuery,
  DiaryListSchema,
  DiaryReviewBody,
  IdParams,
  PHOTO_MAX_BYTES,
  UpdateVisitRuleBody,
  VisitDaySchema,
  VisitRuleSchema,
} from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, uploadErrorResponses } from '../../platform/errors.ts'
import { readUpload } from '../../platform/uploads.ts'
import type { DiaryService } from './diary.service.ts'

const tags = ['diary']

export function diaryRoutes(app: App, service: DiaryService) {
  app.post(
    '/api/diary',
    {
      schema: {
        tags,
        summary: 'Write a diary entry (idempotent by clientId: a resend answers 200 with the stored entry)',
        body: CreateDiaryBody,
        response: { 200: DiaryEntrySchema, 201: DiaryEntrySchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { entry, created } = await service.create(actorOf(req), req.body)
      return reply.status(created ? 201 : 200).send(entry)
    },
  )
  app.get(
    '/api/diary',
    { schema: { tags, summary: 'The feed: entries in the caller’s area, newest first (cursor: before=)', querystring: DiaryListQuery, response: { 200: DiaryListSchema, ...errorResponses } } },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.get('/api/diary/:id', { schema: { tags, summary: 'One entry', params: IdParams, response: { 200: DiaryEntrySchema, ...errorResponses } } }, async (req) =>
    service.get(actorOf(req), req.params.id),
  )
  app.post(
    '/api/diary/:id/photos',
    {
      schema: {
        tags,
        summary: 'Add a photo (multipart `file`, optional `clientId`; idempotent per clientId)',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 200: DiaryEntrySchema, 201: DiaryEntrySchema, ...uploadErrorResponses },
      },
    },
    async (req, reply) => {
      const upload = await readUpload(req, { maxBytes: PHOTO_MAX_BYTES })
      const { entry, created } = await service.addPhoto(actorOf(req), req.params.id, upload)
      return reply.status(created ? 201 : 200).send(entry)
    },
  )
  app.get('/api/diary/photos/:id', { schema: { tags, summary: 'A diary photo (the image)', params: IdParams } }, async (req, reply) => {
    const { photo, stream } = await service.photo(actorOf(req), req.params.id)
    return reply
      .header('content-type', photo.content_type)
      .header('content-length', String(photo.size))
      .header('cache-control', 'private, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .send(stream)
  })
  app.post(
    '/api/diary/:id/comments',
    { schema: { tags, summary: 'Comment on an entry', params: IdParams, body: DiaryCommentBody, response: { 201: DiaryEntrySchema, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await service.comment(actorOf(req), req.params.id, req.body.text)),
  )
  app.post(
    '/api/diary/:id/review',
    { schema: { tags, summary: 'The supervisor’s mark: reviewed / good example (diary.review)', params: IdParams, body: DiaryReviewBody, response: { 200: DiaryEntrySchema, ...errorResponses } } },
    async (req) => service.review(actorOf(req), req.params.id, req.body.review, req.ip),
  )

  app.get('/api/visits/rules', { schema: { tags: ['visits'], summary: 'Visit quota rules (民情大走访)', response: { 200: Type.Array(VisitRuleSchema), ...errorResponses } } }, async (req) =>
    service.rules(actorOf(req)),
  )
  app.patch(
    '/api/visits/rules/:id',
    {
      schema: {
        tags: ['visits'],
        summary: 'Change a visit rule (visits.manage)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: UpdateVisitRuleBody,
        response: { 200: VisitRuleSchema, ...errorResponses },
      },
    },
    async (req) => service.updateRule(actorOf(req), req.params.id, req.body, req.ip),
  )
  app.get(
    '/api/visits/compliance',
    { schema: { tags: ['visits'], summary: 'Visit compliance per cadre and per village for a month', querystring: ComplianceQuery, response: { 200: ComplianceSchema, ...errorResponses } } },
    async (req) => service.compliance(actorOf(req), req.query.regionCode, req.query.period),
  )
  app.get(
    '/api/visit-days',
    { schema: { tags: ['visits'], summary: 'Upcoming 民情日 in or above the caller’s area', response: { 200: Type.Array(VisitDaySchema), ...errorResponses } } },
    async (req) => service.visitDays(actorOf(req)),
  )
  app.post(
    '/api/visit-days',
    { schema: { tags: ['visits'], summary: 'Schedule a 民情日 for a town (visits.manage)', body: CreateVisitDayBody, response: { 201: VisitDaySchema, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await service.scheduleVisitDay(actorOf(req), req.body, req.ip)),
  )
}
