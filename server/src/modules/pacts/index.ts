import type { Module } from '../../context.ts'
import { tooManyRequests } from '../../platform/ratelimit.ts'
import { publicLimiterOf } from '../intake/index.ts'
import { pactRoutes } from './pacts.routes.ts'

/** 契约化共建 pacts (issue 16). The service is built in the composition root. */
export const pactsModule: Module = {
  name: 'pacts',
  register(app, ctx, { pacts }) {
    // The board is a public page: reads per IP share the 民情码 pages' limit (and its Redis store when set).
    const limitPublicRead = async (ip: string) => {
      const limiter = publicLimiterOf(ctx)
      if (!limiter) return
      const d = await limiter.hit(`read:${ip}`, ctx.config.publicIntake.readsPerIp)
      if (!d.allowed) throw tooManyRequests(d)
    }
    pactRoutes(app, pacts, limitPublicRead)
  },
}
