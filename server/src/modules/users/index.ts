import type { Module } from '../../context.ts'
import { userRoutes } from './users.routes.ts'
import { UsersService } from './users.service.ts'

export const usersModule: Module = {
  name: 'users',
  register(app, ctx, { regions, units }) {
    userRoutes(app, new UsersService(ctx.db, regions, units, ctx.bus))
  },
}
