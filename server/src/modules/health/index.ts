import { HealthSchema, ErrorBodySchema } from '@minqing/common'
import { sql } from 'kysely'
import type { Module } from '../../context.ts'

export const healthModule: Module = {
  name: 'health',
  register(app, ctx) {
    app.get(
      '/api/health',
      {
        config: { public: true },
        schema: { tags: ['platform'], summary: 'Liveness and database check', response: { 200: HealthSchema, 503: ErrorBodySchema } },
      },
      async (_req, reply) => {
        try {
          await sql`select 1`.execute(ctx.db)
        } catch {
          return reply.status(503).send({ error: { code: 'DB_UNAVAILABLE', message: '数据库不可用' } })
        }
        return { status: 'ok' as const, db: ctx.database.kind, version: ctx.config.version }
      },
    )
  },
}
