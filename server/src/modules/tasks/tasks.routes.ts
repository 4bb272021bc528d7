import {
  CancelTaskBody,
  CASE_PHOTO_MAX_BYTES,
  CheckBody,
  CreateWishBody,
  ClaimSchema,
  ConfirmResultSchema,
  ConfirmTaskBody,
  CreateTaskBody,
  FinishTaskBody,
  IdParams,
  TaskListQuery,
  TaskListSchema,
  TaskClaimsSchema,
  TaskPhotoSchema,
  TaskSchema,
  VolunteerRecordSchema,
} from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses, uploadErrorResponses } from '../../platform/errors.ts'
import { readUpload } from '../../platform/uploads.ts'
import type { TasksService } from './tasks.service.ts'

/** 先锋任务: publish, the task hall, 抢单 (claim), check-in/out, finish, confirm; a volunteer's record. */
export function taskRoutes(app: App, service: TasksService) {
  const tags = ['tasks']
  app.post(
    '/api/tasks',
    {
      schema: {
        tags,
        summary: '发布先锋任务 (tasks.publish, in the caller’s area); every eligible volunteer residing there gets a notice (audience team: the members of teamId only)',
        body: CreateTaskBody,
        response: { 201: TaskSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.publish(actorOf(req), req.body)),
  )
  app.get(
    '/api/tasks',
    {
      schema: {
        tags,
        summary: 'The task hall: staff see their area’s tasks, a volunteer those of the area they reside in, with live remaining slots',
        querystring: TaskListQuery,
        response: { 200: TaskListSchema, ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.get('/api/tasks/:id', { schema: { tags, summary: 'One task (404 out of sight)', params: IdParams, response: { 200: TaskSchema, ...errorResponses } } }, async (req) =>
    service.get(actorOf(req), req.params.id),
  )
  app.post(
    '/api/tasks/:id/claim',
    {
      schema: {
        tags,
        summary:
          '抢单: 201 with the slot; 409 task_full, 409 already_claimed, 409 task_started; 403 not of the audience or area. Never more claims than slots (one conditional UPDATE in the database)',
        params: IdParams,
        response: { 201: ClaimSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.claim(actorOf(req), req.params.id)),
  )
  app.delete(
    '/api/tasks/:id/claim',
    { schema: { tags, summary: 'Withdraw a claim before the start (the slot is free again); after the start 409 task_started', params: IdParams, response: { 200: ClaimSchema, ...errorResponses } } },
    async (req) => service.withdraw(actorOf(req), req.params.id),
  )
  app.post(
    '/api/tasks/:id/checkin',
    { schema: { tags, summary: 'Check in (time, optional place)', params: IdParams, body: CheckBody, response: { 200: ClaimSchema, ...errorResponses } } },
    async (req) => service.checkin(actorOf(req), req.params.id, req.body ?? {}),
  )
  app.post(
    '/api/tasks/:id/checkout',
    { schema: { tags, summary: 'Check out (time, optional place)', params: IdParams, body: CheckBody, response: { 200: ClaimSchema, ...errorResponses } } },
    async (req) => service.checkout(actorOf(req), req.params.id, req.body ?? {}),
  )
  app.post(
    '/api/tasks/:id/finish',
    {
      schema: {
        tags,
        summary: 'Finish report: text and photoIds (uploaded first by the claimer; 400 UNKNOWN_PHOTO, 400 NOT_OWN_PHOTO)',
        params: IdParams,
        body: FinishTaskBody,
        response: { 200: ClaimSchema, ...errorResponses },
      },
    },
    async (req) => service.finish(actorOf(req), req.params.id, req.body),
  )
  app.post(
    '/api/tasks/:id/photos',
    {
      schema: {
        tags,
        summary: 'Upload a photo for my finish report (multipart `file`: JPEG, PNG or WebP, ≤ 8 MB), as case photos are',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: TaskPhotoSchema, ...uploadErrorResponses },
      },
    },
    async (req, reply) => {
      const upload = await readUpload(req, { maxBytes: CASE_PHOTO_MAX_BYTES })
      return reply.status(201).send(await service.addPhoto(actorOf(req), req.params.id, upload))
    },
  )
  app.get(
    '/api/tasks/:id/photos/:photoId',
    {
      schema: {
        tags,
        summary: 'A photo of a task (the image): the publisher’s side, or the claimer who uploaded it; else 404',
        params: Type.Object({ id: Type.String({ format: 'uuid' }), photoId: Type.String({ format: 'uuid' }) }),
      },
    },
    async (req, reply) => {
      const { file, stream } = await service.photo(actorOf(req), req.params.id, req.params.photoId)
      return reply
        .header('content-type', file.content_type)
        .header('content-length', String(file.size))
        .header('cache-control', 'private, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(stream)
    },
  )
  app.get(
    '/api/tasks/:id/claims',
    {
      schema: {
        tags,
        summary: 'The claimers (publisher’s side: all, phones masked, check-in/out, report, photos); a volunteer gets only their own',
        params: IdParams,
        response: { 200: TaskClaimsSchema, ...errorResponses },
      },
    },
    async (req) => service.claims(actorOf(req), req.params.id),
  )
  app.post(
    '/api/tasks/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an open or full task with a reason (tasks.publish, own area); the claimers are notified; then claims answer 409 task_cancelled',
        params: IdParams,
        body: CancelTaskBody,
        response: { 200: TaskSchema, ...errorResponses },
      },
    },
    async (req) => service.cancel(actorOf(req), req.params.id, req.body),
  )
  app.post(
    '/api/wishes',
    {
      schema: {
        tags,
        summary: '微心愿: record a wish for a person of my area (tasks.publish); published as a one-slot task of kind `wish`, the name masked',
        body: CreateWishBody,
        response: { 201: TaskSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createWish(actorOf(req), req.body)),
  )
  app.post(
    '/api/tasks/:id/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm finished claims (tasks.confirm): hours and points credited, the task done; a task made from a case replies the case',
        params: IdParams,
        body: ConfirmTaskBody,
        response: { 200: ConfirmResultSchema, ...errorResponses },
      },
    },
    async (req) => service.confirm(actorOf(req), req.params.id, req.body ?? {}),
  )
  app.get(
    '/api/volunteers/:id/record',
    {
      schema: {
        tags,
        summary: 'A volunteer’s record: hours, tasks, points (their own; staff of their area; others 404)',
        params: IdParams,
        response: { 200: VolunteerRecordSchema, ...errorResponses },
      },
    },
    async (req) => service.record(actorOf(req), req.params.id),
  )
}
