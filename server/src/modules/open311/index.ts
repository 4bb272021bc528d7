import type { Module } from '../../context.ts'
import { publicLimiterOf } from '../intake/index.ts'
import { Open311KeysService } from './keys.service.ts'
import { open311KeyRoutes, open311Routes } from './open311.routes.ts'
import { Open311Service } from './open311.service.ts'

/** Open311 GeoReport v2 (+ mySociety's servicerequestupdates) at /open311/v2, and its API keys in the console. */
export const open311Module: Module = {
  name: 'open311',
  register(app, ctx, { cases: engine, regions }) {
    // The intake module (registered before this one) owns the public doors' limiter; lookups here share its miss count.
    const limiter = publicLimiterOf(ctx)
    const misses = limiter && { limiter, rule: ctx.config.publicIntake.trackingMissesPerIp }
    open311Routes(app, new Open311Service(ctx.db, engine, ctx.storage, ctx.bus, misses), ctx.config.publicUrl)
    open311KeyRoutes(app, new Open311KeysService(ctx.db, regions))
  },
}
