import type { AppContext } from './context.ts'
import { FieldCrypto } from './platform/crypto.ts'
import { CasesService } from './modules/cases/cases.service.ts'
import { CategoriesService } from './modules/cases/categories.service.ts'
import { SmsChannel, WebhookChannel } from './modules/notifications/channels.ts'
import { LogChannel, Notifier, NotificationsService, type OutboundChannel } from './modules/notifications/notifier.ts'
import { RegionsService } from './modules/regions/regions.service.ts'
import { UnitsService } from './modules/units/units.service.ts'
import { ArchiveLookups } from './modules/archive/lookups.ts'
import { StatsFolder } from './modules/stats/folder.ts'
import { StatsService } from './modules/stats/stats.service.ts'
import { TasksService } from './modules/tasks/tasks.service.ts'

export interface ServiceLog {
  debug(m: string): void
  warn(m: string): void
}

/**
 * The composition root: the services several modules share, each built once per app and handed to the modules
 * (Module.register's third argument). Tests that need a service but not HTTP build them here too, without an app.
 */
export function buildServices(ctx: AppContext, log: ServiceLog = { debug: () => {}, warn: () => {} }) {
  const regions = new RegionsService(ctx.db)
  const notifications = new NotificationsService(ctx.db)
  const { webhook, sms } = ctx.config.notify
  const channels: OutboundChannel[] = [new LogChannel((m) => log.debug(m))]
  if (webhook) channels.push(new WebhookChannel(webhook))
  if (sms) channels.push(new SmsChannel(sms, (userId) => notifications.phoneOf(userId)))
  const notifier = new Notifier(ctx.bus, channels, (m) => log.warn(m))
  const crypto = new FieldCrypto(ctx.config.secret)
  const cases = new CasesService(ctx.db, crypto, regions, notifier, ctx.bus, undefined, ctx.storage, { callbackSampleRate: ctx.config.callbackSampleRate })
  const categories = new CategoriesService(ctx.db, regions)
  const units = new UnitsService(ctx.db, regions)
  const archiveLookups = new ArchiveLookups(ctx.db)
  // Statistics: the rollups' folder (one per app) and the figures read from them (cockpit, dashboards, reports).
  const statsFolder = new StatsFolder(ctx.db, ctx.bus, (err) => log.warn(`stats fold failed: ${String(err)}`))
  const stats = new StatsService(ctx.db, regions)
  // 先锋任务: notices through the notifier, a case's reply through the case engine.
  const tasks = new TasksService(ctx.db, notifier, cases)
  return { crypto, regions, units, archiveLookups, notifications, notifier, cases, categories, stats, statsFolder, tasks }
}

export type Services = ReturnType<typeof buildServices>
