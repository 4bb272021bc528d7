import { IdParams, LeaderboardQuery, LeaderboardSchema, TaskCaseSummarySchema } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { VolunteersService } from './volunteers.service.ts'

/** The volunteer's side of 先锋任务: the monthly leaderboard of an area, and the case behind a claimed task. */
export function volunteerRoutes(app: App, service: VolunteersService) {
  const tags = ['tasks']
  app.get(
    '/api/volunteers/leaderboard',
    {
      schema: {
        tags,
        summary:
          'Monthly leaderboard of an area: volunteers residing in the region’s subtree ranked by confirmed hours, then points (1, 2, 2, 4), the first 50 and the caller’s own line. A volunteer reads their residence area’s board, other volunteers’ names masked; staff any region of their area. Others 404',
        querystring: LeaderboardQuery,
        response: { 200: LeaderboardSchema, ...errorResponses },
      },
    },
    async (req) => service.leaderboard(actorOf(req), req.query),
  )
  app.get(
    '/api/tasks/:id/case',
    {
      schema: {
        tags,
        summary: 'The case a task was made from, as a summary (no reporter, handler or timeline): for a volunteer holding a claim on the task, and staff who may see the case; others 404',
        params: IdParams,
        response: { 200: TaskCaseSummarySchema, ...errorResponses },
      },
    },
    async (req) => service.taskCase(actorOf(req), req.params.id),
  )
}
