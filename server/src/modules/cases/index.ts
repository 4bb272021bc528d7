import type { AppContext, Module } from '../../context.ts'
import { FieldCrypto } from '../../platform/crypto.ts'
import { RegionsService } from '../regions/regions.service.ts'
import { caseRoutes, notificationRoutes } from './cases.routes.ts'
import { CasesService } from './cases.service.ts'
import { CategoriesService } from './categories.service.ts'
import { LogChannel, Notifier } from './notifier.ts'

const services = new WeakMap<AppContext, { service: CasesService; notifier: Notifier; regions: RegionsService }>()

/**
 * The one case engine of an app: every door (cases routes, public reports, Open311, imports) goes through it,
 * so every case gets the same numbering, routing, events and notifications.
 */
export function caseEngine(ctx: AppContext, log: (m: string) => void = () => {}) {
  let s = services.get(ctx)
  if (!s) {
    const regions = new RegionsService(ctx.db)
    const notifier = new Notifier(ctx.bus, [new LogChannel(log)])
    s = { service: new CasesService(ctx.db, new FieldCrypto(ctx.config.secret), regions, notifier, ctx.bus, undefined, ctx.storage), notifier, regions }
    services.set(ctx, s)
  }
  return s
}

export const casesModule: Module = {
  name: 'cases',
  register(app, ctx) {
    const { service, notifier, regions } = caseEngine(ctx, (m) => app.log.debug(m))
    caseRoutes(app, service, new CategoriesService(ctx.db, regions))
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
