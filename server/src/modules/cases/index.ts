import type { Module } from '../../context.ts'
import { caseRoutes } from './cases.routes.ts'

/** Cases: intake, the lifecycle's actions, reads, photos, categories and routing rules, and the clock's jobs. */
export const casesModule: Module = {
  name: 'cases',
  register(app, ctx, { cases, categories }) {
    caseRoutes(app, cases, categories)
    // Warnings at 70 % of the limit, overdue marks, unaccepted dispatches: every five minutes.
    ctx.scheduler.register({ name: 'cases.deadlines', everyMs: 5 * 60_000, run: async ({ now }) => void (await cases.checkDeadlines(now)) })
    // Replied but never rated: closed after AUTO_CLOSE_DAYS.
    ctx.scheduler.register({ name: 'cases.auto_close', everyMs: 3600_000, run: async ({ now }) => void (await cases.autoClose(now)) })
  },
}
