import type { Module } from '../../context.ts'
import { regionRoutes } from './regions.routes.ts'
import { RegionsService } from './regions.service.ts'

export const regionsModule: Module = {
  name: 'regions',
  register(app, ctx) {
    regionRoutes(app, new RegionsService(ctx.db))
  },
}
