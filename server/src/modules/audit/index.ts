import type { Module } from '../../context.ts'
import { auditRoutes } from './audit.routes.ts'
import { AuditService } from './audit.service.ts'

export const auditModule: Module = {
  name: 'audit',
  register(app, ctx) {
    auditRoutes(app, new AuditService(ctx.db))
  },
}
