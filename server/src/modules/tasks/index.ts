import type { Module } from '../../context.ts'
import { taskRoutes } from './tasks.routes.ts'
import { volunteerRoutes } from './volunteers.routes.ts'
import { VolunteersService } from './volunteers.service.ts'

/** 先锋任务 (issue 15): tasks, exact grabbing, the volunteer's record. The service is built in the composition root. */
export const tasksModule: Module = {
  name: 'tasks',
  register(app, ctx, { tasks, cases }) {
    taskRoutes(app, tasks)
    // The leaderboard and a claimed task's case (volunteers.service.ts): built here, once per app, on the case engine.
    volunteerRoutes(app, new VolunteersService(ctx.db, cases))
  },
}
