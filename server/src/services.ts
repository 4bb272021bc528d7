import type { AppContext } from './context.ts'
import { FieldCrypto } from './platform/crypto.ts'
import { CasesService } from './modules/cases/cases.service.ts'
import { CategoriesService } from './modules/cases/categories.service.ts'
import { DutyService } from './modules/duty/duty.service.ts'
import { BrainClassifier } from './modules/brain/classify.service.ts'
import { BrainTriage } from './modules/brain/triage.service.ts'
import { SmsChannel, WebhookChannel } from './modules/notifications/channels.ts'
import { LogChannel, Notifier, NotificationsService, type OutboundChannel } from './modules/notifications/notifier.ts'
import { RegionsService } from './modules/regions/regions.service.ts'
import { reportIntel } from './modules/reports/intel.ts'
import { ReportsService } from './modules/reports/reports.service.ts'
import { UnitsService } from './modules/units/units.service.ts'
import { ArchiveLookups } from './modules/archive/lookups.ts'
import { StatsFolder } from './modules/stats/folder.ts'
import { StatsService } from './modules/stats/stats.service.ts'
import { EvaluationService } from './modules/evaluation/evaluation.service.ts'
import { TasksService } from './modules/tasks/tasks.service.ts'
import { BrainIndexer } from './modules/brain/indexer.ts'
import { HotwordsService } from './modules/brain/hotwords.ts'
import { AlertsService } from './modules/brain/alerts.service.ts'
import { EarlyWarning } from './modules/brain/warnings.ts'
import { TeamsService } from './modules/volunteer-teams/teams.service.ts'
import { ActivitiesService } from './modules/activities/activities.service.ts'
import { MeetingsService } from './modules/meetings/meetings.service.ts'
import { PactsService } from './modules/pacts/pacts.service.ts'

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
  const tasks = new TasksService(ctx.db, notifier, cases, ctx.storage)
  // 志愿队伍 and rotas; activities and their ledger (cases through the intake, tasks through the tasks service).
  const teams = new TeamsService(ctx.db)
  const activities = new ActivitiesService(ctx.db, notifier, teams, cases, tasks)
  // 民情大脑: every case and diary text segmented once into brain_docs; word features attach as consumers.
  // PGlite has one connection: small batches leave gaps for requests. PostgreSQL serves requests on other
  // connections, and the similar-case index writes ~2.3× faster in batches of 5,000 than of 200 (bench/brain-similar).
  const brainIndexer = new BrainIndexer(ctx.db, ctx.bus, (err) => log.warn(`brain index failed: ${String(err)}`), {
    batch: ctx.database.kind === 'postgres' ? 5000 : 200,
  })
  // 县级值班 (issue 14): who urgent cases and the brain's alerts reach.
  const duty = new DutyService(ctx.db)
  // 民情大脑 classification (learns from dispatchers) and the intake triage / 一键推送 through the case engine.
  const classifier = new BrainClassifier(ctx.db, ctx.bus)
  const triage = new BrainTriage(ctx.db, ctx.bus, classifier, cases, duty, ctx.config.brain, (err) => log.warn(`brain triage failed: ${String(err)}`))
  // 热词 (read from their rollup), 预警 (raised by clusters and the early warning; reach the duty officer).
  const hotwords = new HotwordsService(ctx.db)
  const alerts = new AlertsService(ctx.db, notifier, duty)
  const earlyWarning = new EarlyWarning(ctx.db, alerts, ctx.bus, (err) => log.warn(`early warning failed: ${String(err)}`))
  // 考核评价: scores weigh the statistics service's figures.
  const evaluation = new EvaluationService(ctx.db, stats, regions)
  // 民情分析会 weekly reports: figures from the stats service, hot words / alerts / unit scores from theirs, notices through the notifier.
  const reports = new ReportsService(ctx.db, stats, regions, notifier, statsFolder, reportIntel({ hotwords, alerts, evaluation }))
  // 民情分析会 / 议事会 decisions become cases (intake + dispatch) or tasks; 契约化共建 log entries link to either.
  const meetings = new MeetingsService(ctx.db, cases, tasks)
  const pacts = new PactsService(ctx.db, { caseVisible: (a, id) => cases.get(a, id), taskVisible: (a, id) => tasks.get(a, id) })
  return {
    meetings,
    pacts,
    crypto,
    regions,
    units,
    archiveLookups,
    notifications,
    notifier,
    cases,
    categories,
    stats,
    statsFolder,
    tasks,
    evaluation,
    duty,
    classifier,
    triage,
    teams,
    activities,
    reports,
    brainIndexer,
    hotwords,
    alerts,
    earlyWarning,
  }
}

export type Services = ReturnType<typeof buildServices>
