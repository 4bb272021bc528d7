import type { AppContext, Module } from '../../context.ts'
import { FieldCrypto } from '../../platform/crypto.ts'
import { addTimelineSource } from '../archive/timeline.ts'
import { RegionsService } from '../regions/regions.service.ts'
import { caseRoutes, notificationRoutes } from './cases.routes.ts'
import { CasesService } from './cases.service.ts'
import { CategoriesService } from './categories.service.ts'
import { caseTimeline } from './household-timeline.ts'
import { activeUserPhone } from './cases.repository.ts'
import { SmsChannel, WebhookChannel } from './channels.ts'
import { LogChannel, Notifier, type OutboundChannel } from './notifier.ts'

interface EngineLog {
  debug(m: string): void
  warn(m: string): void
}
const services = new WeakMap<AppContext, { service: CasesService; notifier: Notifier; regions: RegionsService; log: EngineLog }>()

/**
 * The one case engine of an app: every door (cases routes, public reports, Open311, imports) goes through it,
 * so every case gets the same numbering, routing, events and notifications. The cases module hands it the
 * app's logger; whichever module asks first, notices are logged there.
 */
export function caseEngine(ctx: AppContext, logger?: EngineLog) {
  let s = services.get(ctx)
  if (!s) {
    const log: EngineLog = { debug: () => {}, warn: () => {} }
    const regions = new RegionsService(ctx.db)
    const { webhook, sms } = ctx.config.notify
    const channels: OutboundChannel[] = [new LogChannel((m) => log.debug(m))]
    if (webhook) channels.push(new WebhookChannel(webhook))
    if (sms) channels.push(new SmsChannel(sms, (userId) => activeUserPhone(ctx.db, userId)))
    const notifier = new Notifier(ctx.bus, channels, (m) => log.warn(m))
    s = { service: new CasesService(ctx.db, new FieldCrypto(ctx.config.secret), regions, notifier, ctx.bus, undefined, ctx.storage), notifier, regions, log }
    services.set(ctx, s)
  }
  if (logger) Object.assign(s.log, { debug: (m: string) => logger.debug(m), warn: (m: string) => logger.warn(m) })
  return s
}

export const casesModule: Module = {
  name: 'cases',
  register(app, ctx) {
    const { service, notifier, regions } = caseEngine(ctx, app.log)
    caseRoutes(app, service, new CategoriesService(ctx.db, regions))
    // 一事一表: a household's timeline lists its members' cases and those at its address.
    addTimelineSource(caseTimeline)
    notificationRoutes(app, ctx.db, ctx.bus)
    // Reminders from the diary module's daily check to cadres behind on their visits. Handled only by the process
    // that published them (with Redis every process hears the event), so each reminder is written once.
    ctx.bus.subscribe('visits.behind', async (event) => {
      if (event.origin !== ctx.bus.origin) return
      const p = event.payload as { userId: string; period: string; rules: { description: string; done: number; required: number }[] }
      const body = p.rules.map((r) => `${r.description}: ${r.done}/${r.required}`).join('; ')
      const rows = await notifier.record(ctx.db, [{ userId: p.userId, kind: 'visits.behind', title: `${p.period} 走访任务尚未完成`, body, caseId: null }])
      await notifier.deliver(rows)
    })
    // Warnings at 70 % of the limit, overdue marks, unaccepted dispatches: every five minutes.
    ctx.scheduler.register({ name: 'cases.deadlines', everyMs: 5 * 60_000, run: async ({ now }) => void (await service.checkDeadlines(now)) })
    // Replied but never rated: closed after 7 days.
    ctx.scheduler.register({ name: 'cases.auto_close', everyMs: 3600_000, run: async ({ now }) => void (await service.autoClose(now)) })
  },
}
