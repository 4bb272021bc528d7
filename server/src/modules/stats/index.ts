import type { Module } from '../../context.ts'
import { statsRoutes } from './stats.routes.ts'

/**
 * Statistics (统计) and the cockpit's numbers: the rollups' folder (after every burst of case events, and every
 * 30 s as a job that also catches a fresh database up from its first event) and the read API.
 */
export const statsModule: Module = {
  name: 'stats',
  register(app, ctx, { stats, statsFolder }) {
    statsRoutes(app, stats)
    statsFolder.listen()
    app.addHook('onClose', async () => statsFolder.close())
    ctx.scheduler.register({ name: 'stats.fold', everyMs: 30_000, run: async () => void (await statsFolder.fold()) })
  },
}
