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
    // A fold that found no event leaves no job_runs row (it would be one every 30 s); its watermark is its record.
    ctx.scheduler.register({
      name: 'stats.fold',
      everyMs: 30_000,
      recordIdle: false,
      run: async () => {
        const r = await statsFolder.fold()
        return r.events === 0 && r.cases === 0 ? 'idle' : undefined
      },
    })
  },
}
