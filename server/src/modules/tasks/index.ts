import type { Module } from '../../context.ts'
import { taskRoutes } from './tasks.routes.ts'

/** 先锋任务 (issue 15): tasks, exact grabbing, the volunteer's record. The service is built in the composition root. */
export const tasksModule: Module = {
  name: 'tasks',
  register(app, _ctx, { tasks }) {
    taskRoutes(app, tasks)
  },
}
