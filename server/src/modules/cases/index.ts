import type { Module } from '../../context.ts'
import { addTimelineSource } from '../archive/timeline.ts'
import { caseRoutes } from './cases.routes.ts'
import { CasesExport, caseExportRoutes } from './cases-export.ts'
import { caseTimeline } from './household-timeline.ts'

/** Cases: intake, the lifecycle's actions, reads, photos, categories and routing rules, and the clock's jobs. */
export const casesModule: Module = {
  name: 'cases',
  register(app, ctx, { cases, categories, crypto }) {
    caseRoutes(app, cases, categories)
    // 事项清单 as XLSX (GET /api/cases.xlsx): the list's filters, masked as the viewer's rights say.
    caseExportRoutes(app, new CasesExport(ctx.db, crypto, cases))
    // 一事一表: a household's timeline lists its members' cases, those raised on visits and those at its address.
    addTimelineSource(caseTimeline)
    // Warnings at 70 % of the limit, overdue marks, unaccepted dispatches: every five minutes.
    ctx.scheduler.register({ name: 'cases.deadlines', everyMs: 5 * 60_000, run: async ({ now }) => void (await cases.checkDeadlines(now)) })
    // Replied but never rated: closed after AUTO_CLOSE_DAYS.
    ctx.scheduler.register({ name: 'cases.auto_close', everyMs: 3600_000, run: async ({ now }) => void (await cases.autoClose(now)) })
  },
}
