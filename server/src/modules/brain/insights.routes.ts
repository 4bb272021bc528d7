import {
  AlertAssignBody,
  AlertHandleBody,
  AlertListSchema,
  AlertParams,
  AlertSchema,
  AlertsQuery,
  HotwordDocListSchema,
  HotwordDocsQuery,
  HotwordListSchema,
  HotwordParams,
  HotwordsQuery,
} from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { AlertsService } from './alerts.service.ts'
import type { HotwordsService } from './hotwords.ts'

const tags = ['brain']

/** 热词 and 预警 (issue 14). */
export function insightsRoutes(app: App, hotwords: HotwordsService, alerts: AlertsService) {
  app.get(
    '/api/brain/hotwords',
    {
      schema: {
        tags,
        summary: '热词: words of the last N days in a region, with their rise against the N days before',
        querystring: HotwordsQuery,
        response: { 200: HotwordListSchema, ...errorResponses },
      },
    },
    async (req) => hotwords.hotwords(actorOf(req), req.query),
  )
  app.get(
    '/api/brain/hotwords/:word/docs',
    {
      schema: {
        tags,
        summary: 'The cases and diary entries of the window that contain a word',
        params: HotwordParams,
        querystring: HotwordDocsQuery,
        response: { 200: HotwordDocListSchema, ...errorResponses },
      },
    },
    async (req) => hotwords.docs(actorOf(req), req.params.word, req.query),
  )
  app.get(
    '/api/brain/alerts',
    { schema: { tags, summary: '预警 inbox: alerts of the caller’s area, new first', querystring: AlertsQuery, response: { 200: AlertListSchema, ...errorResponses } } },
    async (req) => alerts.list(actorOf(req), req.query),
  )
  app.get('/api/brain/alerts/:id', { schema: { tags, summary: 'One alert with its links', params: AlertParams, response: { 200: AlertSchema, ...errorResponses } } }, async (req) =>
    alerts.get(actorOf(req), req.params.id),
  )
  app.post('/api/brain/alerts/:id/ack', { schema: { tags, summary: 'Acknowledge a new alert', params: AlertParams, response: { 200: AlertSchema, ...errorResponses } } }, async (req) =>
    alerts.ack(actorOf(req), req.params.id),
  )
  app.post(
    '/api/brain/alerts/:id/handle',
    { schema: { tags, summary: 'Mark an alert handled, with a note', params: AlertParams, body: AlertHandleBody, response: { 200: AlertSchema, ...errorResponses } } },
    async (req) => alerts.handle(actorOf(req), req.params.id, req.body.note),
  )
  app.post(
    '/api/brain/alerts/:id/assign',
    { schema: { tags, summary: 'Give an alert to another owner', params: AlertParams, body: AlertAssignBody, response: { 200: AlertSchema, ...errorResponses } } },
    async (req) => alerts.assign(actorOf(req), req.params.id, req.body.userId),
  )
}
