import type { Module } from '../../context.ts'
import { type AlertSink, similarConsumer } from './similar.ts'
import { brainSimilarRoutes } from './similar.routes.ts'
import { SimilarService } from './similar.service.ts'

/**
 * 民情大脑's similar cases and 一类事 (issue 14): the inverted index and the clusters, kept by a consumer of the
 * brain's indexer; 共性问题 alerts through the alerts service (looked up when raised, so the part runs before it lands).
 */
export const brainSimilarModule: Module = {
  name: 'brain-similar',
  register(app, ctx, services) {
    services.brainIndexer.use(
      'similar',
      similarConsumer(() => (services as { alerts?: AlertSink }).alerts),
    )
    brainSimilarRoutes(app, new SimilarService(ctx.db, services.cases, services.regions))
  },
}
