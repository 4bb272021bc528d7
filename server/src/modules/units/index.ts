import type { Module } from '../../context.ts'
import { unitRoutes } from './units.routes.ts'

export const unitsModule: Module = {
  name: 'units',
  register(app, _ctx, { units }) {
    unitRoutes(app, units)
  },
}
