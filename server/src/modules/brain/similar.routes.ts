import { CaseSimilarQuery, ClusterDetailSchema, ClusterListSchema, ClusterParams, ClustersQuery, SimilarItemListSchema, UuidSchema } from '@minqing/common'
import Type from 'typebox'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { SimilarService } from './similar.service.ts'

export function brainSimilarRoutes(app: App, service: SimilarService) {
  app.get(
    '/api/cases/:id/similar',
    {
      schema: {
        tags: ['brain'],
        summary: 'The most similar recent cases and diary entries county-wide that the caller may see, best first; near-duplicates at the same village flagged for merging',
        params: Type.Object({ id: UuidSchema }),
        querystring: CaseSimilarQuery,
        response: { 200: SimilarItemListSchema, ...errorResponses },
      },
    },
    async (req) => service.caseSimilar(actorOf(req), req.params.id, req.query),
  )
  app.get(
    '/api/brain/clusters',
    {
      schema: {
        tags: ['brain'],
        summary: '一类事: clusters of the same matter touching the region (default the caller’s), biggest and newest first',
        querystring: ClustersQuery,
        response: { 200: ClusterListSchema, ...errorResponses },
      },
    },
    async (req) => service.clusters(actorOf(req), req.query),
  )
  app.get(
    '/api/brain/clusters/:id',
    {
      schema: {
        tags: ['brain'],
        summary: 'One 一类事: its regions, sources, timeline and the members the caller may see',
        params: ClusterParams,
        response: { 200: ClusterDetailSchema, ...errorResponses },
      },
    },
    async (req) => service.cluster(actorOf(req), req.params.id),
  )
}
