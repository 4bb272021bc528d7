import {
  CASE_FORMULAS,
  COCKPIT_FEED_MAX,
  COCKPIT_FORMULAS,
  COCKPIT_POINTS_MAX,
  type CaseStats,
  type CaseStatsQueryT,
  type CockpitSummary,
  type Region,
  STATS_MAX_SPAN_DAYS,
  type StatsGroupBy,
  VISIT_FORMULAS,
  type VisitFigures,
  type VisitStats,
} from '@minqing/common'
import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/types.ts'
import { badRequest, notFound } from '../../platform/errors.ts'
import { type Actor, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import { cnDate, workingDaysBetween } from '../../platform/workdays.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import { regionPathString } from '../regions/regions.service.ts'
import { COUNTERS, type Counters, figuresOf, NIL_UUID, zeroCounters } from './facts.ts'
import * as repo from './stats.repository.ts'
import type { Rollup } from './stats.repository.ts'

const DAY = 86_400_000
const SLOW_TTL_MS = 60_000
const LEVEL_NAMES: Record<string, string> = { grid: '网格', village: '村社', town: '镇街', county: '县(市)' }
const startCN = (ymd: string) => new Date(`${ymd}T00:00:00+08:00`)
const addDays = (ymd: string, n: number) => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10)
const lastOfMonth = (ymd: string) => {
  const [y, m] = ymd.split('-').map(Number)
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)
}

function sumCounters(rows: Counters[]): Counters {
  const n = zeroCounters()
  for (const r of rows) for (const k of COUNTERS) n[k] += Number(r[k] ?? 0)
  return n
}

interface Lookups {
  categories: Map<number, { code: string; name: string; parentId: number | null }>
  categoryByCode: Map<string, { id: number; parentId: number | null }>
}

/**
 * Statistics: the one place figures are computed (from the rollups the folder keeps), with their formulas.
 * Every method checks access first: stats.read, and the region inside the caller's area (else 404).
 */
export class StatsService {
  private lookups: { at: number; value: Lookups } | undefined
  private slowCache = new Map<string, { at: number; value: Promise<unknown> }>()

  constructor(
    private db: Kysely<DB>,
    private regions: RegionsService,
  ) {}

  /** The region the caller asks about (default their own), if it lies in their area. */
  private async region(actor: Actor, code: string | undefined): Promise<Region & { id: number; stored: string }> {
    requirePermission(actor, 'stats.read')
    const r = await this.regions.get(actor, code ?? actor.regionCode)
    const stored = regionPathString(r)
    if (!pathInScope(scopeOf(actor), stored)) throw notFound('区域')
    const row = await this.db.selectFrom('regions').select('id').where('code', '=', r.code).executeTakeFirstOrThrow()
    return { ...r, id: row.id, stored }
  }

  private async cats(): Promise<Lookups> {
    if (this.lookups && Date.now() - this.lookups.at < 60_000) return this.lookups.value
    const rows = await repo.categoryTree(this.db)
    const value: Lookups = {
      categories: new Map(rows.map((c) => [c.id, { code: c.code, name: c.name, parentId: c.parent_id }])),
      categoryByCode: new Map(rows.map((c) => [c.code, { id: c.id, parentId: c.parent_id }])),
    }
    this.lookups = { at: Date.now(), value }
    return value
  }

  /** from/to of a query: defaults (1 January … today), checked (from ≤ to, at most STATS_MAX_SPAN_DAYS). */
  private period(q: { from?: string; to?: string }, today = cnDate(new Date())) {
    const to = q.to ?? today
    const from = q.from ?? `${to.slice(0, 4)}-01-01`
    if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) throw badRequest('VALIDATION_FAILED', '日期无效', { from, to })
    if (from > to) throw badRequest('VALIDATION_FAILED', '开始日期晚于结束日期', { from, to })
    const span = (Date.parse(to) - Date.parse(from)) / DAY + 1
    if (span > STATS_MAX_SPAN_DAYS) throw badRequest('VALIDATION_FAILED', `统计区间最长 ${STATS_MAX_SPAN_DAYS} 天`, { from, to, days: span })
    return { from, to, today }
  }

  async cases(actor: Actor, q: CaseStatsQueryT): Promise<CaseStats> {
    const region = await this.region(actor, q.regionCode)
    const { from, to, today } = this.period(q)
    const groupBy: StatsGroupBy = q.groupBy ?? 'region'
    const { categories, categoryByCode } = await this.cats()
    let categoryIds: number[] | null = null
    let topFilter = false
    if (q.categoryCode) {
      const c = categoryByCode.get(q.categoryCode)
      if (!c) throw badRequest('UNKNOWN_CATEGORY', `分类不存在: ${q.categoryCode}`, { categoryCode: q.categoryCode })
      topFilter = c.parentId === null
      categoryIds = topFilter ? [c.id, ...[...categories].filter(([, v]) => v.parentId === c.id).map(([id]) => id)] : [c.id]
    }
    // The coarsest rollup that answers: fine (leaf category × unit × raised level) when the query needs one of
    // those; monthly for whole months by region, category, month or year; daily otherwise.
    const fine = !!q.unitId || groupBy === 'unit' || groupBy === 'level' || (!!q.categoryCode && !topFilter) || (groupBy === 'category' && topFilter)
    const wholeMonths = from.endsWith('-01') && (to === lastOfMonth(to) || to >= today)
    const table: repo.Rollup = fine ? 'stats_fine' : wholeMonths && ['region', 'category', 'month', 'year'].includes(groupBy) ? 'stats_monthly' : 'stats_daily'
    // Coarse rollups hold the top-level category id: filter by it alone.
    const ids = categoryIds && !fine ? [categoryIds[0]] : categoryIds
    const rollupTo = table === 'stats_monthly' ? `${to.slice(0, 7)}-01` : to
    const rollupFrom = table === 'stats_monthly' ? `${from.slice(0, 7)}-01` : from

    const keySql: Record<StatsGroupBy, ReturnType<typeof sql.raw>> = {
      region: sql.raw('r.code'),
      category: sql.raw('t.category_id::text'),
      unit: sql.raw('t.unit_id::text'),
      day: sql.raw(`to_char(t.period, 'YYYY-MM-DD')`),
      week: sql.raw(`to_char(date_trunc('week', t.period)::date, 'YYYY-MM-DD')`),
      month: sql.raw(`to_char(t.period, 'YYYY-MM')`),
      year: sql.raw(`to_char(t.period, 'YYYY')`),
      level: sql.raw('t.raised_level'),
      handler: sql.raw(`''`), // summed from the facts below, not from a rollup
    }
    const base = { table, regionId: region.id, path: region.stored, from: rollupFrom, to: rollupTo, categoryIds: ids, unitId: q.unitId ?? null }
    const [grouped, totalRows] = await Promise.all([
      groupBy === 'handler'
        ? repo.sumFactsByHandler(this.db, { path: region.stored, from, to, categoryIds, unitId: q.unitId ?? null })
        : repo.sumRollup(this.db, { ...base, children: groupBy === 'region', key: keySql[groupBy] }),
      repo.sumRollup(this.db, { ...base, children: false, key: null }),
    ])

    // Keys and names; sub-categories roll up to their top level unless the filter names a top level.
    const merged = new Map<string, { name: string; rows: Counters[] }>()
    const put = (key: string, name: string, c: Counters) => {
      const m = merged.get(key)
      if (m) m.rows.push(c)
      else merged.set(key, { name, rows: [c] })
    }
    if (groupBy === 'region') {
      const children = await this.db.selectFrom('regions').select(['code', 'name']).where('parent_id', '=', region.id).orderBy('code').execute()
      for (const ch of children) merged.set(ch.code, { name: ch.name, rows: [] })
      for (const r of grouped) merged.get(r.key)?.rows.push(r)
    } else if (groupBy === 'category') {
      for (const r of grouped) {
        const id = Number(r.key)
        let c = categories.get(id)
        if (c && c.parentId !== null && !topFilter) c = categories.get(c.parentId)
        put(c?.code ?? 'none', c?.name ?? '未分类', r)
      }
    } else if (groupBy === 'unit') {
      const unitIds = grouped.map((r) => r.key).filter((k) => k !== NIL_UUID)
      const names = new Map(unitIds.length ? (await this.db.selectFrom('units').select(['id', 'name']).where('id', 'in', unitIds).execute()).map((u) => [u.id, u.name]) : [])
      for (const r of grouped) put(r.key === NIL_UUID ? 'none' : r.key, r.key === NIL_UUID ? '未交办' : (names.get(r.key) ?? r.key), r)
    } else if (groupBy === 'handler') {
      const userIds = grouped.map((r) => r.key).filter((k) => k !== 'none')
      const names = new Map(userIds.length ? (await this.db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute()).map((u) => [u.id, u.name]) : [])
      for (const r of grouped) put(r.key, r.key === 'none' ? '未签收' : (names.get(r.key) ?? r.key), r)
    } else if (groupBy === 'level') {
      for (const r of grouped) put(r.key, LEVEL_NAMES[r.key] ?? r.key, r)
    } else {
      for (const r of grouped) put(r.key, r.key, r)
    }
    let rows = [...merged].map(([key, m]) => ({ key, name: m.name, ...figuresOf(sumCounters(m.rows)) }))
    if (groupBy === 'region') {
      // Cases of the region itself (a village's own, a town's own) are in no child's row: a 本级 row keeps the
      // rows adding up to the total.
      const own = ownCounters(sumCounters(totalRows), sumCounters([...merged.values()].flatMap((m) => m.rows)))
      if (own) rows.push({ key: region.code, name: ownName(region.name), ...figuresOf(own) })
    }
    if (['day', 'week', 'month', 'year'].includes(groupBy)) rows.sort((a, b) => a.key.localeCompare(b.key))
    else if (groupBy === 'level') rows.sort((a, b) => ['grid', 'village', 'town', 'county'].indexOf(a.key) - ['grid', 'village', 'town', 'county'].indexOf(b.key))
    else if (groupBy !== 'region') rows = rows.sort((a, b) => b.received - a.received || a.key.localeCompare(b.key))

    const wm = await repo.watermark(this.db, 'cases')
    return {
      region: { code: region.code, name: region.name, level: region.level },
      from,
      to,
      groupBy,
      rows,
      total: figuresOf(sumCounters(totalRows)),
      formulas: CASE_FORMULAS,
      asOf: (wm.foldedAt ?? new Date(0)).toISOString(),
    }
  }

  /**
   * Diary figures per cadre of the area (the visit quota of `visits`, applied to each cadre's own village or grid):
   * households visited ÷ households to visit. Cadres above village level owe no quota (coverage null).
   */
  async visitsByCadre(actor: Actor, q: { regionCode?: string; from: string; to: string }): Promise<(VisitFigures & { userId: string; name: string })[]> {
    const region = await this.region(actor, q.regionCode)
    const { from, to } = this.period(q)
    const share = await repo.householdShareTarget(this.db)
    const months = monthsTouched(from, to)
    const rows = await repo.visitFiguresByCadre(this.db, region.stored, startCN(from), startCN(addDays(to, 1)))
    return rows.map((f) => {
      const quota = Math.min(f.total_households, Math.ceil((f.total_households * share * months) / 100))
      return {
        userId: f.user_id,
        name: f.name,
        entries: f.entries,
        visits: f.visits,
        households: f.households,
        quota,
        coverage: quota > 0 ? Math.min(1, Math.round((f.households / quota) * 10000) / 10000) : null,
      }
    })
  }

  /**
   * The cases behind the rows of some units or handlers (groupBy=unit|handler) in a cohort: each with the counters
   * its figures were summed from, and how many working days past its time limit it is (to its close, or now).
   */
  async cohortCases(actor: Actor, q: { regionCode?: string; from: string; to: string; unitIds: string[]; handlerIds: string[] }, now = new Date()) {
    const region = await this.region(actor, q.regionCode)
    const { from, to } = this.period(q)
    const rows = await repo.cohortCases(this.db, { path: region.stored, from, to, unitIds: q.unitIds, handlerIds: q.handlerIds })
    const at = (k: (typeof COUNTERS)[number], c: number[]) => Number(c[COUNTERS.indexOf(k)] ?? 0)
    return rows.map((r) => {
      const overdue = at('overdue', r.counters) > 0
      return {
        id: r.id,
        number: r.number,
        title: r.title,
        state: r.state,
        unitId: r.unit_id === NIL_UUID ? null : r.unit_id,
        handlerId: r.handler_id,
        closed: at('closed', r.counters) > 0,
        overdue,
        onTime: at('on_time', r.counters) > 0,
        satisfied: at('satisfied', r.counters),
        unsatisfied: at('unsatisfied', r.counters),
        yellowCards: at('yellow', r.counters),
        redCards: at('red', r.counters),
        overdueWorkingDays: overdue && r.due_at ? workingDaysBetween(new Date(r.due_at), r.closed_at ? new Date(r.closed_at) : now) : 0,
      }
    })
  }

  /** Diary figures per child region (or of the region itself at village/grid level) against the visit quota. */
  async visits(actor: Actor, q: { regionCode?: string; from?: string; to?: string }): Promise<VisitStats> {
    const region = await this.region(actor, q.regionCode)
    const { from, to } = this.period(q)
    const children = await this.db.selectFrom('regions').select(['code', 'name', 'path']).where('parent_id', '=', region.id).orderBy('code').execute()
    const share = await repo.householdShareTarget(this.db)
    const months = monthsTouched(from, to)
    const figures = await repo.visitFigures(this.db, [region.stored, ...children.map((c) => c.path)], startCN(from), startCN(addDays(to, 1)))
    const byPath = new Map(figures.map((f) => [f.path, f]))
    const fig = (path: string): VisitFigures => {
      const f = byPath.get(path) ?? { entries: 0, visits: 0, households: 0, total_households: 0 }
      const quota = Math.min(f.total_households, Math.ceil((f.total_households * share * months) / 100))
      return { entries: f.entries, visits: f.visits, households: f.households, quota, coverage: quota > 0 ? Math.min(1, Math.round((f.households / quota) * 10000) / 10000) : null }
    }
    return {
      region: { code: region.code, name: region.name, level: region.level },
      from,
      to,
      rows: children.map((c) => ({ key: c.code, name: c.name, ...fig(c.path) })),
      total: fig(region.stored),
      formulas: VISIT_FORMULAS,
    }
  }

  /** The cockpit's numbers for a region. */
  async cockpit(actor: Actor, q: { regionCode?: string }, now = new Date()): Promise<CockpitSummary> {
    const region = await this.region(actor, q.regionCode)
    const today = cnDate(now)
    const year = today.slice(0, 4)
    const monthStart = `${today.slice(0, 7)}-01`
    const lastYear = String(Number(year) - 1)
    const yearQ = { table: 'stats_monthly' as Rollup, regionId: region.id, path: region.stored, from: `${year}-01-01`, to: monthStart, categoryIds: null, unitId: null }
    const { categories } = await this.cats()
    const [yearTotal, monthRows, todayRows, ranking, cats, trend, nowRows, nowByChild, feed, points, people, children] = await Promise.all([
      repo.sumRollup(this.db, { ...yearQ, children: false, key: null }),
      repo.sumRollup(this.db, { ...yearQ, from: monthStart, children: false, key: null }),
      repo.sumRollup(this.db, { ...yearQ, table: 'stats_daily', from: today, to: today, children: false, key: null }),
      repo.sumRollup(this.db, { ...yearQ, children: true, key: sql.raw('r.code') }),
      repo.sumRollup(this.db, { ...yearQ, children: false, key: sql.raw('t.category_id::text') }),
      repo.sumRollup(this.db, { ...yearQ, table: 'stats_daily', from: `${lastYear}-01-01`, to: today, children: false, key: sql.raw(`to_char(t.period, 'YYYY-MM-DD')`) }),
      // Now-figures: the facts are current (recomputed on every event), so all periods summed say what holds now.
      repo.sumRollup(this.db, { ...yearQ, from: '1900-01-01', to: '9999-12-01', children: false, key: null }),
      repo.sumRollup(this.db, { ...yearQ, from: '1900-01-01', to: '9999-12-01', children: true, key: sql.raw('r.code') }),
      repo.feed(this.db, region.stored, COCKPIT_FEED_MAX),
      repo.points(this.db, region.stored, COCKPIT_POINTS_MAX),
      this.slow(`people|${region.stored}`, () => repo.residentsAndAccounts(this.db, region.stored)),
      this.db.selectFrom('regions').select(['code', 'name', 'level']).where('parent_id', '=', region.id).orderBy('code').execute(),
    ])
    const y = figuresOf(sumCounters(yearTotal))
    const live = sumCounters(nowRows)
    const overdueByChild = new Map(nowByChild.map((r) => [r.key, Number(r.now_overdue)]))
    // The region's own cases (in no child's row): the year's cohort and the overdue now, as a 本级 row after the ranking
    // (a grid has no children: no ranking, no 本级 row).
    const ownYear = ownCounters(sumCounters(yearTotal), sumCounters(ranking))
    const ownNow = ownCounters(live, sumCounters(nowByChild))
    const byChild = new Map(ranking.map((r) => [r.key, r]))
    const names = await this.regionNames(feed.map((f) => f.region_path))
    const daily = new Map(trend.map((r) => [r.key, r.received]))
    const days = (y0: string, lastDay: string) => {
      const out: { day: string; count: number }[] = []
      for (let d = `${y0}-01-01`; d <= lastDay; d = addDays(d, 1)) out.push({ day: d, count: Number(daily.get(d) ?? 0) })
      return out
    }
    const catMap = new Map<string, { code: string; name: string; count: number }>()
    for (const r of cats) {
      const c = categories.get(Number(r.key))
      const key = c?.code ?? 'none'
      const e = catMap.get(key) ?? { code: key, name: c?.name ?? '未分类', count: 0 }
      e.count += Number(r.received)
      catMap.set(key, e)
    }
    const visits = await this.slow(`visits|${region.stored}|${today}`, () => this.visits(actor, { regionCode: region.code, from: monthStart, to: today }))
    return {
      region: { code: region.code, name: region.name, level: region.level },
      generatedAt: now.toISOString(),
      totals: { today: sumCounters(todayRows).received, month: sumCounters(monthRows).received, year: y.received },
      inProgress: live.open,
      dueSoon: live.now_due_soon,
      overdue: live.now_overdue,
      closeRate: y.closeRate,
      satisfactionRate: y.satisfactionRate,
      levelResolved: { grid: y.gridResolvedRate, village: y.villageResolvedRate, town: y.townResolvedRate },
      ranking: children
        .map((ch) => {
          const f = figuresOf(sumCounters(byChild.has(ch.code) ? [byChild.get(ch.code)!] : []))
          return {
            code: ch.code,
            name: ch.name,
            level: ch.level,
            received: f.received,
            closed: f.closed,
            closeRate: f.closeRate,
            satisfactionRate: f.satisfactionRate,
            overdue: overdueByChild.get(ch.code) ?? 0,
          }
        })
        .sort((a, b) => b.received - a.received || a.code.localeCompare(b.code))
        .concat(children.length > 0 && (ownYear || ownNow) ? [ownRankingRow(region, ownYear ?? zeroCounters(), ownNow?.now_overdue ?? 0)] : []),
      categories: [...catMap.values()].sort((a, b) => b.count - a.count),
      trend: { thisYear: days(year, today), lastYear: days(lastYear, `${lastYear}${today.slice(4)}`) },
      feed: feed.map((f) => ({ kind: f.kind, caseId: f.id, number: f.number, title: f.title, regionPath: names(f.region_path), state: f.state, at: new Date(f.at).toISOString() })),
      visits: visits.total,
      points: points.map((p) => ({ caseId: p.id, lat: p.lat, lng: p.lng, state: p.state, categoryCode: p.category_code, overdue: !!p.overdue })),
      residents: people.residents,
      accounts: people.accounts,
      formulas: COCKPIT_FORMULAS,
    }
  }

  /**
   * Figures that change slowly and cost a count over a large table (residents, accounts, this month's visits): the
   * cockpit refetches on every case event, so they are kept for SLOW_TTL_MS (case figures are never cached).
   */
  private slow<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.slowCache.get(key)
    if (hit && Date.now() - hit.at < SLOW_TTL_MS) return hit.value as Promise<T>
    const value = load()
    this.slowCache.set(key, { at: Date.now(), value })
    value.catch(() => this.slowCache.delete(key))
    if (this.slowCache.size > 1000) this.slowCache.delete(this.slowCache.keys().next().value!)
    return value
  }

  /** Region names along stored paths, from the county down. */
  private async regionNames(paths: string[]) {
    const codes = [...new Set(paths.flatMap((p) => p.split('/').filter(Boolean)))]
    const rows = codes.length ? await this.db.selectFrom('regions').select(['code', 'name', 'level']).where('code', 'in', codes).execute() : []
    const byCode = new Map(rows.map((r) => [r.code, r]))
    return (path: string) =>
      path
        .split('/')
        .filter(Boolean)
        .map((c) => byCode.get(c))
        .filter((r) => r && r.level !== 'city')
        .map((r) => r!.name)
  }
}

/** Total minus the children's rows: the counters of the region's own cases, or null when it has none. */
function ownCounters(total: Counters, children: Counters): Counters | null {
  const own = zeroCounters()
  let any = false
  for (const k of COUNTERS) {
    own[k] = total[k] - children[k]
    if (Math.abs(own[k]) > 1e-9) any = true
  }
  return any ? own : null
}

/** The name of a region's 本级 row (its own cases, next to its children's). */
const ownName = (name: string) => `${name}(本级)`

function ownRankingRow<L extends string>(region: { code: string; name: string; level: L }, c: Counters, overdue: number) {
  const f = figuresOf(c)
  return { code: region.code, name: ownName(region.name), level: region.level, received: f.received, closed: f.closed, closeRate: f.closeRate, satisfactionRate: f.satisfactionRate, overdue }
}

/** Calendar months a period touches (the visit quota is monthly). */
function monthsTouched(from: string, to: string) {
  const [fy, fm] = from.split('-').map(Number)
  const [ty, tm] = to.split('-').map(Number)
  return (ty - fy) * 12 + (tm - fm) + 1
}
