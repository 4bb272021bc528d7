import { NotificationSchema } from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { EventBus } from '../../platform/events.ts'
import type { NotificationsService } from './notifier.ts'

/** In-app notifications and their live push (SSE). */
export function notificationRoutes(app: App, service: NotificationsService, bus: EventBus) {
  const tags = ['notifications']
  const toNotification = (n: Awaited<ReturnType<NotificationsService['list']>>[number]) => ({
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    caseId: n.case_id,
    taskId: n.task_id ?? null,
    readAt: n.read_at?.toISOString() ?? null,
    createdAt: n.created_at.toISOString(),
  })
  app.get(
    '/api/notifications',
    {
      schema: {
        tags,
        summary: 'My notifications, newest first',
        querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(NotificationSchema), ...errorResponses },
      },
    },
    async (req) => (await service.list(actorOf(req).userId, !!req.query.unread, req.query.limit ?? 50)).map(toNotification),
  )
  app.post(
    '/api/notifications/read',
    {
      schema: {
        tags,
        summary: 'Mark notifications read (ids, or all)',
        body: Type.Union([
          Type.Object({ ids: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 500 }) }, { additionalProperties: false }),
          Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
        ]),
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errorResponses },
      },
    },
    async (req) => ({ updated: await service.markRead(actorOf(req).userId, 'all' in req.body ? 'all' : req.body.ids) }),
  )
  app.get('/api/notifications/stream', { schema: { tags, summary: 'Live notifications (Server-Sent Events)' } }, async (req, reply) => {
    const actor = actorOf(req)
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    res.write(`retry: 5000\n\n`)
    const off = bus.subscribe('notification.created', (event) => {
      const p = event.payload as { userId: string; notification: unknown }
      if (p.userId === actor.userId) res.write(`event: notification\ndata: ${JSON.stringify(p.notification)}\n\n`)
    })
    const ping = setInterval(() => res.write(`: ping\n\n`), 25_000)
    req.raw.on('close', () => {
      clearInterval(ping)
      off()
    })
  })
}
