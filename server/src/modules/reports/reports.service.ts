import {
  CASE_FORMULAS,
  type CaseFigures,
  type CaseStats,
  type CaseStatsRow,
  isoWeekOf,
  type OpenItem,
  REPORT_LIST_MAX,
  REPORT_OVERDUE_DAYS,
  type ReportCase,
  shiftWeek,
  VISIT_FORMULAS,
  type WeeklyReport,
  type WeeklyReportQueryT,
  type WeeklyRow,
  weekRange,
} from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { badRequest, notFound } from '../../platform/errors.ts'
import { type Actor, pathInScope, requirePermission, SYSTEM_ACTOR_ID, scopeOf } from '../../platform/policy.ts'
import { cnDate, workingDaysBetween } from '../../platform/workdays.ts'
import type { Notifier } from '../notifications/notifier.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import { regionPathString } from '../regions/regions.service.ts'
import { figuresOf, zeroCounters } from '../stats/facts.ts'
import type { StatsService } from '../stats/stats.service.ts'
import * as repo from './reports.repository.ts'

type Word = WeeklyReport['hotwords']['items'][number]
type Cluster = WeeklyReport['clusters']['items'][number]
type Alert = WeeklyReport['alerts']['items'][number]
type UnitRow = WeeklyReport['units']['rows'][number]
interface Period {
  regionCode: string
  from: string
  to: string
}

/**
 * The intelligence sections' sources (issue 14: hot words, clusters, alerts). Each is wired in reports/index.ts when
 * its service exists; a missing one makes its section say so (available: false), never an invented list.
 */
export interface ReportIntel {
  hotwords?: (actor: Actor, p: Period) => Promise<{ words: Word[]; rising: Word[] }>
  clusters?: (actor: Actor, p: Period) => Promise<Cluster[]>
  alerts?: (actor: Actor, p: Period) => Promise<Alert[]>
  units?: (actor: Actor, p: Period) => Promise<{ period: string; rows: UnitRow[] }>
}

/** The Monday job's hour (Asia/Shanghai): the week's last events have been folded and the leaders are at work. */
const REPORT_JOB_HOUR_CN = 7
const HOUR = 3_600_000
const startCN = (ymd: string) => new Date(`${ymd}T00:00:00+08:00`)
const nextDay = (ymd: string) => new Date(Date.parse(`${ymd}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** The last ISO week that has ended (Asia/Shanghai) at `now`. */
export const lastFinishedWeek = (now: Date) => shiftWeek(isoWeekOf(cnDate(now)), -1)
/** The week the Monday job reports on at `now`: it turns over at REPORT_JOB_HOUR_CN on Monday, not at midnight. */
export const jobWeek = (now: Date) => lastFinishedWeek(new Date(now.getTime() - REPORT_JOB_HOUR_CN * HOUR))

/** Reads every figure as the county would: a stored report is the same whoever asked for it first. */
function reportActor(regionCode: string): Actor {
  return {
    userId: SYSTEM_ACTOR_ID,
    sessionId: '',
    name: 'weekly-report',
    phone: '',
    roles: ['admin'],
    regionId: 0,
    regionCode,
    regionName: '',
    regionLevel: 'county',
    regionPath: '/',
    unitId: null,
    station: null,
  }
}

const changeRate = (now: number, before: number) => (before > 0 ? Math.round(((now - before) / before) * 10000) / 10000 : null)

/** This week's rows with last week's count: keys of either week, this week's order, last week's extra keys after. */
function withPrevious(cur: CaseStats, prev: CaseStats): WeeklyRow[] {
  const before = new Map(prev.rows.map((r) => [r.key, r]))
  const rows: CaseStatsRow[] = [...cur.rows]
  const seen = new Set(cur.rows.map((r) => r.key))
  for (const r of prev.rows) if (!seen.has(r.key)) rows.push({ key: r.key, name: r.name, ...figuresOf(zeroCounters()) })
  return rows.map((r) => {
    const p = before.get(r.key)?.received ?? 0
    return { ...r, previous: p, change: r.received - p, changeRate: changeRate(r.received, p) }
  })
}

/**
 * 民情分析会 weekly reports: a town's or the county's ISO week from the statistics module's figures, with the lists
 * the meeting works through. A finished week's report is stored the first time it is made (on demand or by the
 * Monday job) and then served as stored; the current week is computed on every request and never stored.
 */
export class ReportsService {
  constructor(
    private db: Kysely<DB>,
    private stats: StatsService,
    private regions: RegionsService,
    private notifier: Notifier,
    private folder: { fold(): Promise<unknown> } | null = null,
    private intel: ReportIntel = {},
  ) {}

  /** A town or the county inside the caller's area (else 404 as if it did not exist). */
  private async region(actor: Actor, code: string | undefined) {
    requirePermission(actor, 'stats.read')
    const r = await this.regions.get(actor, code ?? actor.regionCode)
    const path = regionPathString(r)
    if (!pathInScope(scopeOf(actor), path)) throw notFound('区域')
    if (r.level !== 'town' && r.level !== 'county') throw badRequest('INVALID_REGION_LEVEL', '民情分析会报告只按镇街或县(市)生成', { regionCode: r.code, level: r.level })
    const row = await this.db.selectFrom('regions').select('id').where('code', '=', r.code).executeTakeFirstOrThrow()
    return { id: row.id, code: r.code, name: r.name, level: r.level, path }
  }

  async weekly(actor: Actor, q: WeeklyReportQueryT, now = new Date()): Promise<WeeklyReport> {
    const region = await this.region(actor, q.regionCode)
    const week = q.week ?? lastFinishedWeek(now)
    const range = weekRange(week)
    if (!range) throw badRequest('INVALID_WEEK', `不是有效的 ISO 周: ${week}(格式如 2026-W47)`, { week })
    if (range.from > cnDate(now)) throw badRequest('INVALID_WEEK', `${week} 尚未开始`, { week, from: range.from })
    if (range.to >= cnDate(now)) return this.build(region, week, now, false)
    return this.fixed(region, week, now, actor.userId)
  }

  /** A finished week's report: the stored one, or made now (the rollups brought up to date first) and stored. */
  private async fixed(region: { id: number; code: string; name: string; level: string; path: string }, week: string, now: Date, by: string | null) {
    const stored = await repo.storedReport(this.db, region.id, week)
    if (stored) return stored.data as WeeklyReport
    await this.folder?.fold()
    const data = await this.build(region, week, now, true)
    return (await repo.storeReport(this.db, region.id, week, data, by)).data as WeeklyReport
  }

  /**
   * The Monday job: last week's report of every town and the county, stored, and one notice to each region's
   * leaders. Idempotent: a stored report is not made again, a notice goes once (notified_at).
   */
  async weeklyJob(now = new Date()): Promise<{ week: string; regions: number; notices: number }> {
    const week = jobWeek(now)
    let notices = 0
    const regions = await repo.reportRegions(this.db)
    for (const r of regions) {
      const path = (await this.db.selectFrom('regions').select('path').where('id', '=', r.id).executeTakeFirstOrThrow()).path
      const report = await this.fixed({ id: r.id, code: r.code, name: r.name, level: r.level, path }, week, now, null)
      const leaders = await repo.leadersOf(this.db, r.id)
      if (!(await repo.markNotified(this.db, r.id, week)) || leaders.length === 0) continue
      const rows = await this.notifier.record(
        this.db,
        leaders.map((l) => ({
          userId: l.id,
          kind: 'report.weekly',
          title: `${r.name} ${week} 民情分析会报告已生成`,
          body: `本周新收 ${report.total.received} 件(上周 ${report.previousTotal.received} 件),当前超期 ${report.now.overdue} 件,待议事项 ${report.openItems.length} 项。${reportLink(r.code, week)}`,
          caseId: null,
        })),
      )
      await this.notifier.deliver(rows)
      notices += rows.length
    }
    return { week, regions: regions.length, notices }
  }

  private async build(region: { code: string; name: string; level: string; path: string }, week: string, now: Date, fixed: boolean): Promise<WeeklyReport> {
    const { from, to } = weekRange(week)!
    const previousWeek = shiftWeek(week, -1)
    const prev = weekRange(previousWeek)!
    const sys = reportActor(region.code)
    const q = { regionCode: region.code, from, to }
    const pq = { regionCode: region.code, from: prev.from, to: prev.to }
    const [byRegion, prevByRegion, byCategory, prevByCategory, byUnit, visits, cockpit] = await Promise.all([
      this.stats.cases(sys, { ...q, groupBy: 'region' }),
      this.stats.cases(sys, { ...pq, groupBy: 'region' }),
      this.stats.cases(sys, { ...q, groupBy: 'category' }),
      this.stats.cases(sys, { ...pq, groupBy: 'category' }),
      this.stats.cases(sys, { ...q, groupBy: 'unit' }),
      this.stats.visits(sys, q),
      this.stats.cockpit(sys, { regionCode: region.code }, now),
    ])
    const [overdue, supervised, unsatisfied, claimed] = await Promise.all([
      repo.overdueCases(this.db, region.path, REPORT_LIST_MAX),
      repo.supervisedCases(this.db, region.path, startCN(from), startCN(nextDay(to)), REPORT_LIST_MAX),
      repo.unsatisfiedTwice(this.db, region.path, REPORT_LIST_MAX),
      repo.leaderClaimed(this.db, region.path, REPORT_LIST_MAX),
    ])
    const period = { regionCode: region.code, from, to }
    const [words, clusters, alerts, scored] = await Promise.all([
      this.intel.hotwords?.(sys, period),
      this.intel.clusters?.(sys, period),
      this.intel.alerts?.(sys, period),
      this.intel.units?.(sys, period),
    ])

    const overdueItems = overdue.rows.map((c) => listed(c, { overdueDays: workingDaysBetween(c.at, now) }))
    const openItems: OpenItem[] = [
      ...overdueItems.filter((c) => (c.overdueDays ?? 0) > REPORT_OVERDUE_DAYS).map((c) => item('overdue_long', c, `超期 ${c.overdueDays} 个工作日(${c.regionName})`)),
      ...unsatisfied.map((c) => item('unsatisfied_twice', listed(c), `群众 ${c.times} 次不满意(${c.region_name})`)),
      ...claimed.map((c) => item('leader_claimed', listed(c), `${c.leader} 领导认领(${c.region_name})`)),
      ...(alerts ?? []).filter((a) => a.isNew).map((a): OpenItem => ({ kind: 'alert_new', caseId: null, number: null, title: a.title, detail: `新预警(${ALERT_NAMES[a.level] ?? a.level})` })),
    ]
    const total: CaseFigures = byRegion.total
    return {
      region: { code: region.code, name: region.name, level: region.level },
      week,
      from,
      to,
      previousWeek,
      generatedAt: now.toISOString(),
      fixed,
      asOf: byRegion.asOf,
      total,
      previousTotal: prevByRegion.total,
      change: total.received - prevByRegion.total.received,
      changeRate: changeRate(total.received, prevByRegion.total.received),
      byCategory: withPrevious(byCategory, prevByCategory),
      byRegion: withPrevious(byRegion, prevByRegion),
      now: { inProgress: cockpit.inProgress, dueSoon: cockpit.dueSoon, overdue: cockpit.overdue },
      overdue: { total: overdue.total, items: overdueItems },
      supervised: { total: supervised.total, items: supervised.rows.map((c) => listed({ ...c, supervision: c.card ?? c.supervision })) },
      visits: { rows: visits.rows, total: visits.total },
      // The evaluation module's scores when it is wired; else the stats module's per-unit rows of the week.
      units: scored
        ? { source: 'evaluation', period: scored.period, rows: scored.rows.map((r) => ({ ...r, score: r.score, rank: r.rank })) }
        : { source: 'stats', period: null, rows: byUnit.rows.filter((r) => r.key !== 'none').map((r) => ({ ...r, score: null, rank: null })) },
      hotwords: words ? { available: true, note: null, items: words.words } : unavailable('热词分析尚未启用'),
      risingWords: words ? { available: true, note: null, items: words.rising } : unavailable('热词分析尚未启用'),
      clusters: clusters ? { available: true, note: null, items: clusters } : unavailable('一类事聚类尚未启用'),
      alerts: alerts ? { available: true, note: null, items: alerts } : unavailable('预警尚未启用'),
      openItems,
      formulas: { ...CASE_FORMULAS, ...Object.fromEntries(Object.entries(VISIT_FORMULAS).map(([k, v]) => [`visit.${k}`, v])) },
    }
  }
}

/** Where the report opens in the console (the notice carries it; the web's notification link reads it). */
const reportLink = (regionCode: string, week: string) => `/console/reports/weekly?regionCode=${regionCode}&week=${week}`

const ALERT_NAMES: Record<string, string> = { common_issue: '共性问题', spike: '苗头隐患' }
const unavailable = (note: string) => ({ available: false, note, items: [] })

function listed(c: repo.ListedCase, extra: Partial<ReportCase> = {}): ReportCase {
  return {
    id: c.id,
    number: c.number,
    title: c.title,
    regionName: c.region_name,
    state: c.state,
    level: c.level,
    category: c.category_name,
    supervision: c.supervision,
    overdueDays: null,
    at: new Date(c.at).toISOString(),
    ...extra,
  }
}

const item = (kind: OpenItem['kind'], c: ReportCase, detail: string): OpenItem => ({ kind, caseId: c.id, number: c.number, title: c.title, detail })
