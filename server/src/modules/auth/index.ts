import type { Module } from '../../context.ts'
import { deleteExpiredSessions } from '../../platform/sessions.repository.ts'
import { authRoutes } from './auth.routes.ts'
import { AuthService } from './auth.service.ts'
import { pruneAttempts } from './auth.repository.ts'

export const authModule: Module = {
  name: 'auth',
  register(app, ctx) {
    authRoutes(app, new AuthService(ctx.db, ctx.config, ctx.bus), ctx.config.sessionTtlHours)
    // Housekeeping: expired sessions and week-old login attempts go once an hour (a week: the failed attempts a
    // user is told about at their next login reach back that far).
    ctx.scheduler.register({
      name: 'auth.prune',
      everyMs: 3600_000,
      async run({ db, now }) {
        await deleteExpiredSessions(db)
        await pruneAttempts(db, new Date(now.getTime() - 7 * 24 * 3600_000))
      },
    })
  },
}
