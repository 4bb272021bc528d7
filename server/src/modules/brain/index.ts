import type { Module } from '../../context.ts'
import { foldHotwords } from './hotwords.ts'
import { insightsRoutes } from './insights.routes.ts'
import { classifyRoutes } from './classify.routes.ts'
import { createRateLimiter } from '../../platform/ratelimit.ts'

/**
 * 民情大脑's intelligence (issue 14): the text pipeline (text.ts) and its indexer (indexer.ts: every case and
 * diary text segmented once into brain_docs), hot words, classification, urgency triage, similar cases and
 * clusters, early warnings. Each part registers its routes and its indexer consumer here; services are built in
 * the composition root.
 */
export const brainModule: Module = {
  name: 'brain',
  register(app, ctx, { brainIndexer, hotwords, alerts, earlyWarning, classifier, triage }) {
    // Classification, urgency triage and 一键推送 (classify.service.ts, triage.service.ts).
    const classifyLimiter = createRateLimiter(ctx.config.redisUrl)
    classifyRoutes(app, classifier, triage, { limiter: classifyLimiter, rule: ctx.config.brain.classifyPerIp })
    classifier.listen()
    triage.listen()
    app.addHook('onClose', async () => {
      classifier.close()
      await triage.close()
      await classifyLimiter.close()
    })
    // 热词: the day × region × source rollup, kept in the indexer's transaction; 预警 and the early warning.
    brainIndexer.use('hotwords', foldHotwords)
    insightsRoutes(app, hotwords, alerts)
    earlyWarning.listen()
    app.addHook('onClose', async () => earlyWarning.close())
    brainIndexer.listen()
    app.addHook('onClose', async () => brainIndexer.close())
    ctx.scheduler.register({
      name: 'brain.index',
      everyMs: 30_000,
      recordIdle: false,
      run: async () => {
        // An upgraded filter (or renamed regions) re-folds the hot words even when no text was written.
        const rebuilt = await hotwords.refreshFilter()
        const r = await brainIndexer.fold()
        return r.read === 0 && r.docs === 0 && !rebuilt ? 'idle' : undefined
      },
    })
  },
}
