import {
  ActivityListQuery,
  ActivityListSchema,
  ActivitySchema,
  AddLedgerItemBody,
  AnnouncementSchema,
  CreateActivityBody,
  IdParams,
  LedgerExportQuery,
  SaveSessionBody,
  SessionListSchema,
  SessionParams,
  SessionSchema,
} from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import { publicUrlInfo } from '../../platform/public-url.ts'
import type { ActivitiesService } from './activities.service.ts'
import { ledgerXlsx } from './ledger.xlsx.ts'

/** 民情日 / 民情角 / 青春民情活动日: schedule, publish (notices, WeChat text, poster), sessions and their 服务台账, XLSX. */
export function activityRoutes(app: App, service: ActivitiesService, publicUrl: string | undefined) {
  const tags = ['activities']
  app.get(
    '/api/activities',
    {
      schema: {
        tags,
        summary: 'Activities: staff those of their area; a volunteer the published ones of the area they reside in and of their teams (upcoming=true: with a date from today on, soonest first)',
        querystring: ActivityListQuery,
        response: { 200: ActivityListSchema, ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.post(
    '/api/activities',
    {
      schema: {
        tags,
        summary: 'New activity (draft) in the caller’s area (tasks.publish): once, weekly (weekdays) or monthly (monthDay); host team; audience',
        body: CreateActivityBody,
        response: { 201: ActivitySchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.create(actorOf(req), req.body)),
  )
  app.get(
    '/api/activities/ledger.xlsx',
    {
      schema: {
        tags,
        summary: 'The 服务台账 of a period (≤ 366 days) of the caller’s area as XLSX (tasks.publish)',
        querystring: LedgerExportQuery,
        response: { 200: Type.Unknown(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { regionName, rows } = await service.ledger(actorOf(req), req.query)
      const file = await ledgerXlsx(`服务台账 ${regionName} ${req.query.from} 至 ${req.query.to}`, rows)
      const filename = `服务台账-${regionName}${req.query.from}-${req.query.to}.xlsx`
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .header('cache-control', 'private, no-store')
        .send(file)
    },
  )
  app.get(
    '/api/activities/:id',
    { schema: { tags, summary: 'One activity with its next dates (404 out of sight)', params: IdParams, response: { 200: ActivitySchema, ...errorResponses } } },
    async (req) => service.get(actorOf(req), req.params.id),
  )
  app.post(
    '/api/activities/:id/publish',
    {
      schema: {
        tags,
        summary: 'Publish: every user of the audience gets an in-app notice (once); answers the text for WeChat groups and the poster (its QR opens the area’s public report page)',
        params: IdParams,
        response: { 200: AnnouncementSchema, ...errorResponses },
      },
    },
    async (req) => service.publish(actorOf(req), req.params.id, publicUrlInfo(publicUrl, req).value),
  )
  app.get(
    '/api/activities/:id/announcement',
    { schema: { tags, summary: 'The WeChat text and the poster of an activity', params: IdParams, response: { 200: AnnouncementSchema, ...errorResponses } } },
    async (req) => service.getAnnouncement(actorOf(req), req.params.id, publicUrlInfo(publicUrl, req).value),
  )
  app.get(
    '/api/activities/:id/sessions',
    { schema: { tags, summary: 'The sessions with a ledger, newest first', params: IdParams, response: { 200: SessionListSchema, ...errorResponses } } },
    async (req) => service.sessions(actorOf(req), req.params.id),
  )
  app.get(
    '/api/activities/:id/sessions/:date',
    { schema: { tags, summary: 'One session’s 服务台账: attendees, residents, items with their case/task', params: SessionParams, response: { 200: SessionSchema, ...errorResponses } } },
    async (req) => service.session(actorOf(req), req.params.id, req.params.date),
  )
  app.put(
    '/api/activities/:id/sessions/:date',
    {
      schema: {
        tags,
        summary: 'Record a session (a date of the schedule, not in the future; 400 NOT_A_SESSION_DATE / FUTURE_DATE): attendees, residents count, notes',
        params: SessionParams,
        body: SaveSessionBody,
        response: { 200: SessionSchema, ...errorResponses },
      },
    },
    async (req) => service.saveSession(actorOf(req), req.params.id, req.params.date, req.body),
  )
  app.post(
    '/api/activities/:id/sessions/:date/items',
    {
      schema: {
        tags,
        summary: 'A ledger item: noted, answered on the spot (answer), or made a case (case intake, walk_in) or a task (tasks service); linked to it',
        params: SessionParams,
        body: AddLedgerItemBody,
        response: { 201: SessionSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.addItem(actorOf(req), req.params.id, req.params.date, req.body)),
  )
}
