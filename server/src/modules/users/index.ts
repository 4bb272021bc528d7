import type { Module } from '../../context.ts'
import { RegionsService } from '../regions/regions.service.ts'
import { UnitsService } from '../units/units.service.ts'
import { userRoutes } from './users.routes.ts'
import { UsersService } from './users.service.ts'

export const usersModule: Module = {
  name: 'users',
  register(app, ctx) {
    const regions = new RegionsService(ctx.db)
    userRoutes(app, new UsersService(ctx.db, regions, new UnitsService(ctx.db, regions), ctx.bus))
  },
}
