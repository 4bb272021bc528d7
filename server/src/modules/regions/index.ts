import type { Module } from '../../context.ts'
import { regionRoutes } from './regions.routes.ts'

export const regionsModule: Module = {
  name: 'regions',
  register(app, _ctx, { regions }) {
    regionRoutes(app, regions)
  },
}
