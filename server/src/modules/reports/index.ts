import type { Module } from '../../context.ts'
import { reportRoutes } from './reports.routes.ts'
import { jobWeek } from './reports.service.ts'

/**
 * 民情分析会 weekly reports (issue 16): on demand, and every Monday morning for each town and the county, stored,
 * with a notice to the region's leaders. The job's run key is the week it reports on, so it runs once per week
 * (job_runs); the report rows and their notified_at make each region's report and notice once as well.
 */
export const reportsModule: Module = {
  name: 'reports',
  register(app, ctx, { reports }) {
    reportRoutes(app, reports)
    ctx.scheduler.register({
      name: 'reports.weekly',
      everyMs: 15 * 60_000,
      runKey: (now) => jobWeek(now),
      run: async ({ now }) => void (await reports.weeklyJob(now)),
    })
  },
}
