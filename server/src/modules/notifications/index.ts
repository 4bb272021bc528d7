import type { Module } from '../../context.ts'
import { notificationRoutes } from './notifications.routes.ts'

/** In-app notifications (list, read, live push) and the reminders other modules publish on the bus. */
export const notificationsModule: Module = {
  name: 'notifications',
  register(app, ctx, services) {
    const { notifier, notifications } = services
    notificationRoutes(app, notifications, ctx.bus)
    // Reminders from the diary module's daily check to cadres behind on their visits. Handled only by the process
    // that published them (with Redis every process hears the event), so each reminder is written once.
    ctx.bus.subscribe('visits.behind', async (event) => {
      if (event.origin !== ctx.bus.origin) return
      const p = event.payload as { userId: string; period: string; rules: { description: string; done: number; required: number }[] }
      const body = p.rules.map((r) => `${r.description}: ${r.done}/${r.required}`).join('; ')
      const rows = await notifier.record(ctx.db, [{ userId: p.userId, kind: 'visits.behind', title: `${p.period} 走访任务尚未完成`, body, caseId: null }])
      await notifier.deliver(rows)
    })
  },
}
