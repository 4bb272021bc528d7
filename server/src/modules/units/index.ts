import type { Module } from '../../context.ts'
import { RegionsService } from '../regions/regions.service.ts'
import { unitRoutes } from './units.routes.ts'
import { UnitsService } from './units.service.ts'

export const unitsModule: Module = {
  name: 'units',
  register(app, ctx) {
    unitRoutes(app, new UnitsService(ctx.db, new RegionsService(ctx.db)))
  },
}
