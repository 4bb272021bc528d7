import type { AppContext, Module } from '../../context.ts'
import { createRateLimiter, type RateLimiter } from '../../platform/ratelimit.ts'
import { FormTokens } from './formtoken.ts'
import { publicRoutes } from './public.routes.ts'
import { PublicReportsService } from './public.service.ts'
import { qrRoutes } from './qr.routes.ts'
import { QrService } from './qr.service.ts'

const limiters = new WeakMap<AppContext, RateLimiter>()

/** The rate limiter of a context's public doors (shared through Redis when REDIS_URL is set). */
export const publicLimiterOf = (ctx: AppContext) => limiters.get(ctx)

/** 民情码: residents' reports, tracking and rating (no account), and the posters in the console. */
export const intakeModule: Module = {
  name: 'intake',
  register(app, ctx, { cases }) {
    const cfg = ctx.config.publicIntake
    const limiter = createRateLimiter(ctx.config.redisUrl)
    limiters.set(ctx, limiter)
    app.addHook('onClose', async () => {
      await limiter.close()
    })
    const tokens = new FormTokens(ctx.config.secret, { minFillMs: cfg.minFillMs, ttlMs: cfg.tokenTtlMs })
    const service = new PublicReportsService(ctx.db, cases, limiter, tokens, cfg, ctx.config.secret, ctx.storage)
    publicRoutes(app, service, ctx.config.publicUrl)
    qrRoutes(app, new QrService(ctx.db), ctx.config.publicUrl)
  },
}
