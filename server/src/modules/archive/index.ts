import type { Module } from '../../context.ts'
import { createRateLimiter } from '../../platform/ratelimit.ts'
import { archiveRoutes } from './archive.routes.ts'
import { ArchiveService } from './archive.service.ts'
import { enterpriseRoutes } from './enterprises.routes.ts'
import { EnterprisesService } from './enterprises.service.ts'

export const archiveModule: Module = {
  name: 'archive',
  register(app, ctx, { crypto, regions }) {
    // Counts the hotline's phone lookups (shared through Redis when REDIS_URL is set).
    const limiter = createRateLimiter(ctx.config.redisUrl)
    app.addHook('onClose', async () => {
      await limiter.close()
    })
    archiveRoutes(app, new ArchiveService(ctx.db, crypto, regions, ctx.storage, limiter, ctx.config.lookupLimits))
    enterpriseRoutes(app, new EnterprisesService(ctx.db, crypto, regions))
  },
}
