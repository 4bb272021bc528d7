import type { Module } from '../../context.ts'
import { dutyRoutes } from './duty.routes.ts'

/** 县级值班 (issue 14): the roster; `services.duty.officersFor()` is how urgent cases and alerts find the officer. */
export const dutyModule: Module = {
  name: 'duty',
  register(app, _ctx, { duty }) {
    dutyRoutes(app, duty)
  },
}
