import type { Module } from '../../context.ts'
import { FieldCrypto } from '../../platform/crypto.ts'
import { RegionsService } from '../regions/regions.service.ts'
import { caseRoutes, notificationRoutes } from './cases.routes.ts'
import { CasesService } from './cases.service.ts'
import { CategoriesService } from './categories.service.ts'
import { LogChannel, Notifier } from './notifier.ts'

export const casesModule: Module = {
  name: 'cases',
  register(app, ctx) {
    const regions = new RegionsService(ctx.db)
    const notifier = new Notifier(ctx.bus, [new LogChannel((m) => app.log.debug(m))])
    const service = new CasesService(ctx.db, new FieldCrypto(ctx.config.secret), regions, notifier, ctx.bus)
    caseRoutes(app, service, new CategoriesService(ctx.db, regions))
    notificationRoutes(app, ctx.db, ctx.bus)
    // Warnings at 70 % of the limit, overdue marks, unaccepted dispatches: every five minutes.
    ctx.scheduler.register({ name: 'cases.deadlines', everyMs: 5 * 60_000, run: async ({ now }) => void (await service.checkDeadlines(now)) })
    // Replied but never rated: closed after 7 days.
    ctx.scheduler.register({ name: 'cases.auto_close', everyMs: 3600_000, run: async ({ now }) => void (await service.autoClose(now)) })
  },
}
