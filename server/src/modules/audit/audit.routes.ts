import { AuditListQuery, AuditListSchema } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { AuditService } from './audit.service.ts'

const tags = ['audit']

export function auditRoutes(app: App, service: AuditService) {
  app.get(
    '/api/audit',
    {
      schema: {
        tags,
        summary: 'The audit log of the caller’s area: reveals, exports, imports, user and setting changes (audit.read)',
        querystring: AuditListQuery,
        response: { 200: AuditListSchema, ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req), req.query),
  )
}
