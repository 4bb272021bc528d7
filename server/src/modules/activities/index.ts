import type { Module } from '../../context.ts'
import { activityRoutes } from './activities.routes.ts'

/** 民情日 / 民情角 activities and their 服务台账 (issue 15). The service is built in the composition root. */
export const activitiesModule: Module = {
  name: 'activities',
  register(app, ctx, { activities }) {
    activityRoutes(app, activities, ctx.config.publicUrl)
  },
}
