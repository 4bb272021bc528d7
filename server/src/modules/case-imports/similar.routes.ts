import { SimilarCaseListSchema, SimilarCasesQuery } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { SimilarService } from './similar.service.ts'

export function similarRoutes(app: App, service: SimilarService) {
  app.get(
    '/api/cases/similar',
    {
      schema: {
        tags: ['cases'],
        summary: 'Open cases in the same grid or village whose text is like this one, best first (possible duplicates)',
        querystring: SimilarCasesQuery,
        response: { 200: SimilarCaseListSchema, ...errorResponses },
      },
    },
    async (req) => service.similar(actorOf(req), req.query),
  )
}
