import {
  AWARD_CASES_MAX,
  type AwardItem,
  type Awards,
  type AwardsBodyT,
  CASE_FORMULAS,
  type CadreScoreRow,
  type CadreScores,
  type CaseFigures,
  type CreateFormula,
  EVALUATION_FORMULA_TEXT,
  type EvaluationQueryT,
  type FormulaVersion,
  type UnitScoreRow,
  type UnitScores,
  type VisitFigures,
} from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { badRequest, conflict, notFound } from '../../platform/errors.ts'
import { type Actor, pathInScope, requireCountyAdmin, requirePermission, scopeOf } from '../../platform/policy.ts'
import { cnDate } from '../../platform/workdays.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import { regionPathString } from '../regions/regions.service.ts'
import type { StatsService } from '../stats/stats.service.ts'
import { confirmedHoursByUser } from '../tasks/hours.repository.ts'
import * as repo from './evaluation.repository.ts'
import { rank, scoreOf } from './score.ts'

const lastDay = (month: string) => {
  const [y, m] = month.split('-').map(Number)
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)
}
const nextMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number)
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}
const startCN = (ymd: string) => new Date(`${ymd}T00:00:00+08:00`)

const EMPTY_FIGURES: CaseFigures = {
  received: 0,
  closed: 0,
  inProgress: 0,
  overdue: 0,
  warned: 0,
  responseRate: null,
  onTimeRate: null,
  closeRate: null,
  satisfactionRate: null,
  unsatisfiedRate: null,
  reopenRate: null,
  returnRate: null,
  avgDaysToClose: null,
  yellowCards: 0,
  redCards: 0,
  levelResolvedRate: null,
  gridResolvedRate: null,
  villageResolvedRate: null,
  townResolvedRate: null,
}
const NO_VISITS: VisitFigures = { entries: 0, visits: 0, households: 0, quota: 0, coverage: null }
const figuresOnly = (r: CaseFigures): CaseFigures => Object.fromEntries(Object.keys(EMPTY_FIGURES).map((k) => [k, r[k as keyof CaseFigures]])) as CaseFigures

/**
 * 考核评价: monthly scores of units and cadres and the 奔跑奖 / 蜗牛奖. Every figure is the statistics service's
 * (the month's cohort by unit or by handler, visits against the quota) and the tasks record's hours; this service
 * only weighs them with the formula version in force that month. Access first: evaluation.read in the caller's area
 * (404 outside it); publishing needs evaluation.publish, the formula evaluation.formula at county level.
 */
export class EvaluationService {
  constructor(
    private db: Kysely<DB>,
    private stats: StatsService,
    private regions: RegionsService,
  ) {}

  private async area(actor: Actor, code: string | undefined) {
    requirePermission(actor, 'evaluation.read')
    const r = await this.regions.get(actor, code ?? actor.regionCode)
    const path = regionPathString(r)
    if (!pathInScope(scopeOf(actor), path)) throw notFound('区域')
    return { code: r.code, name: r.name, level: r.level, id: await repo.regionId(this.db, r.code), path }
  }

  private async formula(month: string): Promise<FormulaVersion> {
    const f = await repo.formulaFor(this.db, month)
    if (!f) throw notFound('考核公式')
    return { version: f.version, weights: f.weights, effectiveFrom: f.effective_from }
  }

  async units(actor: Actor, q: EvaluationQueryT): Promise<UnitScores> {
    const region = await this.area(actor, q.regionCode)
    return this.unitScores(actor, region, q.period)
  }

  private async unitScores(actor: Actor, region: { code: string; name: string; level: string }, period: string): Promise<UnitScores> {
    const formula = await this.formula(period)
    const w = formula.weights
    const st = await this.stats.cases(actor, { regionCode: region.code, from: `${period}-01`, to: lastDay(period), groupBy: 'unit' })
    const rows = st.rows
      .filter((r) => r.key !== 'none')
      .map((r) => {
        const f = figuresOnly(r)
        const s = scoreOf(f, w.unit, f, w.penalties, f.received >= w.minCases.unit)
        return { key: r.key, name: r.name, ...f, ...s }
      })
    return {
      period,
      region: { code: region.code, name: region.name, level: region.level },
      formula,
      formulaText: EVALUATION_FORMULA_TEXT,
      formulas: CASE_FORMULAS,
      rows: ordered(rank(rows)) as UnitScoreRow[],
      asOf: st.asOf,
    }
  }

  async cadres(actor: Actor, q: EvaluationQueryT): Promise<CadreScores> {
    const region = await this.area(actor, q.regionCode)
    return this.cadreScores(actor, region, q.period)
  }

  private async cadreScores(actor: Actor, region: { code: string; name: string; level: string }, period: string): Promise<CadreScores> {
    const formula = await this.formula(period)
    const w = formula.weights
    const from = `${period}-01`
    const to = lastDay(period)
    const [st, visits] = await Promise.all([this.stats.cases(actor, { regionCode: region.code, from, to, groupBy: 'handler' }), this.stats.visitsByCadre(actor, { regionCode: region.code, from, to })])
    const people = new Map<string, { name: string; figures: CaseFigures; visits: VisitFigures }>()
    for (const r of st.rows) if (r.key !== 'none') people.set(r.key, { name: r.name, figures: figuresOnly(r), visits: NO_VISITS })
    for (const v of visits) {
      const { userId, name, ...fig } = v
      const p = people.get(userId)
      if (p) p.visits = fig
      else people.set(userId, { name, figures: EMPTY_FIGURES, visits: fig })
    }
    const hours = await confirmedHoursByUser(this.db, [...people.keys()], startCN(from), startCN(`${nextMonth(period)}-01`))
    const rows = [...people].map(([key, p]) => {
      const h = Math.round((hours.get(key) ?? 0) * 100) / 100
      const parts = {
        ...p.figures,
        visitCoverage: p.visits.coverage,
        volunteerHours: w.hoursTarget > 0 ? Math.min(1, Math.round((h / w.hoursTarget) * 10000) / 10000) : null,
      }
      const eligible = p.figures.received >= w.minCases.cadre || p.visits.quota > 0
      const s = scoreOf(parts, w.cadre, p.figures, w.penalties, eligible)
      return { key, name: p.name, ...p.figures, visits: p.visits, visitCoverage: p.visits.coverage, volunteerHours: h, ...s }
    })
    return {
      period,
      region: { code: region.code, name: region.name, level: region.level },
      formula,
      formulaText: EVALUATION_FORMULA_TEXT,
      formulas: CASE_FORMULAS,
      rows: ordered(rank(rows)) as CadreScoreRow[],
      asOf: st.asOf,
    }
  }

  // ---- awards ----------------------------------------------------------------------------------------------
  async awards(actor: Actor, q: EvaluationQueryT): Promise<Awards> {
    const region = await this.area(actor, q.regionCode)
    const round = await repo.awardRound(this.db, region.id, q.period)
    if (round?.state === 'published') return this.toAwards(region, round, await this.formula(q.period))
    const { items, formula } = await this.computeAwards(actor, region, q.period, round?.notes ?? {})
    return { period: q.period, region: pick(region), state: 'draft', note: round?.note ?? null, formula, items, publishedAt: null, publishedBy: null }
  }

  /** Saves a draft's notes (the leader's annotations). */
  async annotate(actor: Actor, body: AwardsBodyT): Promise<Awards> {
    requirePermission(actor, 'evaluation.publish')
    const region = await this.area(actor, body.regionCode)
    const saved = await repo.saveDraft(this.db, { regionId: region.id, period: body.period, note: body.note ?? null, notes: body.notes ?? {}, by: actor.userId })
    if (!saved) throw conflict('AWARDS_PUBLISHED', '本月奖项已发布,不能再修改', { period: body.period })
    return this.awards(actor, { period: body.period, regionCode: region.code })
  }

  /** Publishes the month's awards as computed now, with the notes: the items are frozen from then on. */
  async publish(actor: Actor, body: AwardsBodyT, now = new Date()): Promise<Awards> {
    requirePermission(actor, 'evaluation.publish')
    const region = await this.area(actor, body.regionCode)
    if (body.period > cnDate(now).slice(0, 7)) throw badRequest('VALIDATION_FAILED', '不能发布未到的月份', { period: body.period })
    const round = await repo.awardRound(this.db, region.id, body.period)
    if (round?.state === 'published') throw conflict('AWARDS_PUBLISHED', '本月奖项已发布', { period: body.period })
    const notes = { ...(round?.notes ?? {}), ...(body.notes ?? {}) }
    const { items, formula } = await this.computeAwards(actor, region, body.period, notes)
    const ok = await repo.publish(this.db, {
      regionId: region.id,
      period: body.period,
      note: body.note !== undefined ? body.note : (round?.note ?? null),
      notes,
      items,
      formulaVersion: formula.version,
      by: actor.userId,
      at: now,
    })
    if (!ok) throw conflict('AWARDS_PUBLISHED', '本月奖项已发布', { period: body.period })
    return this.awards(actor, { period: body.period, regionCode: region.code })
  }

  /** The latest published awards of a region (the cockpit's panel), or null. */
  async latest(actor: Actor, q: { regionCode?: string }): Promise<{ awards: Awards | null }> {
    const region = await this.area(actor, q.regionCode)
    const round = await repo.latestPublished(this.db, region.id)
    return { awards: round ? this.toAwards(region, round, await this.formula(round.period)) : null }
  }

  private toAwards(region: { code: string; name: string; level: string }, round: repo.AwardRow, formula: FormulaVersion): Awards {
    return {
      period: round.period,
      region: pick(region),
      state: round.state,
      note: round.note,
      formula,
      items: round.items ?? [],
      publishedAt: round.published_at ? new Date(round.published_at).toISOString() : null,
      publishedBy: round.published_by_name,
    }
  }

  private async computeAwards(actor: Actor, region: { code: string; name: string; level: string }, period: string, notes: Record<string, string>) {
    const [units, cadres] = await Promise.all([this.unitScores(actor, region, period), this.cadreScores(actor, region, period)])
    const a = units.formula.weights.awards
    type Row = { key: string; name: string; score: number | null; rank: number | null; received: number; redCards: number; overdue: number }
    const subjects: ['unit' | 'cadre', Row[]][] = [
      ['unit', units.rows],
      ['cadre', cadres.rows],
    ]
    // The cases of every row that could earn an award: the scored ones (top or bottom) and any with a card or overdue.
    const unitIds = units.rows.filter((r) => r.score !== null || r.redCards > 0 || r.overdue > 0).map((r) => r.key)
    const handlerIds = cadres.rows.filter((r) => r.score !== null || r.redCards > 0 || r.overdue > 0).map((r) => r.key)
    const cases = await this.stats.cohortCases(actor, { regionCode: region.code, from: `${period}-01`, to: lastDay(period), unitIds, handlerIds })
    const casesOf = (subject: 'unit' | 'cadre', id: string) => cases.filter((c) => (subject === 'unit' ? c.unitId === id : c.handlerId === id))
    const long = (c: (typeof cases)[number]) => c.overdueWorkingDays > a.overdueWorkingDays

    const items: AwardItem[] = []
    for (const [subject, rows] of subjects) {
      const snail = new Map<string, { row: Row; reasons: Set<'bottom' | 'red_card' | 'overdue_long'> }>()
      const mark = (row: Row, reason: 'bottom' | 'red_card' | 'overdue_long') => {
        const s = snail.get(row.key) ?? { row, reasons: new Set() }
        s.reasons.add(reason)
        snail.set(row.key, s)
      }
      for (const row of rows) {
        if (row.redCards > 0) mark(row, 'red_card')
        if (casesOf(subject, row.key).some(long)) mark(row, 'overdue_long')
      }
      const scored = rows.filter((r) => r.score !== null)
      const runners = scored.filter((r) => r.received >= a.minCases && !snail.has(r.key)).slice(0, a.top)
      const runnerKeys = new Set(runners.map((r) => r.key))
      // The bottom by score, with the same minimum of cases as the top (a cadre with one case is not ranked last on it).
      for (const r of [...scored]
        .reverse()
        .filter((r) => r.received >= a.minCases && !runnerKeys.has(r.key))
        .slice(0, a.bottom))
        mark(r, 'bottom')
      for (const r of runners) {
        const earned = casesOf(subject, r.key)
          .filter((c) => c.closed && c.onTime)
          .slice(0, AWARD_CASES_MAX)
          .map((c) => ({
            id: c.id,
            number: c.number,
            title: c.title,
            state: c.state,
            why: c.satisfied > 0 ? ['closed_on_time' as const, 'satisfied' as const] : ['closed_on_time' as const],
            overdueWorkingDays: 0,
          }))
        items.push(item('runner', subject, r, ['top'], earned, notes))
      }
      const order = ['red_card', 'overdue_long', 'bottom'] as const
      for (const { row, reasons } of [...snail.values()].sort((x, y) => worstFirst(x.row.score, y.row.score))) {
        const earned = casesOf(subject, row.key)
          .map((c) => {
            const why = [
              ...(c.redCards > 0 ? ['red_card' as const] : []),
              ...(long(c) ? ['overdue_long' as const] : c.overdue ? ['overdue' as const] : []),
              ...(c.yellowCards > 0 ? ['yellow_card' as const] : []),
              ...(c.unsatisfied > 0 ? ['unsatisfied' as const] : []),
            ]
            return { id: c.id, number: c.number, title: c.title, state: c.state, why, overdueWorkingDays: c.overdueWorkingDays }
          })
          .filter((c) => c.why.length > 0)
          .sort((x, y) => severity(x.why) - severity(y.why) || y.overdueWorkingDays - x.overdueWorkingDays)
          .slice(0, AWARD_CASES_MAX)
        items.push(
          item(
            'snail',
            subject,
            row,
            order.filter((o) => reasons.has(o)),
            earned,
            notes,
          ),
        )
      }
    }
    return { items, formula: units.formula }
  }

  // ---- formula ---------------------------------------------------------------------------------------------
  async formulas(actor: Actor) {
    requirePermission(actor, 'evaluation.read')
    const rows = await repo.formulas(this.db)
    return { items: rows.map((f) => ({ version: f.version, weights: f.weights, effectiveFrom: f.effective_from, note: f.note, createdAt: new Date(f.created_at).toISOString() })) }
  }

  /** A new version from a month on (this month or later: past months keep the version they were scored with). */
  async createFormula(actor: Actor, body: CreateFormula, now = new Date()) {
    requireCountyAdmin(actor, 'evaluation.formula')
    const thisMonth = cnDate(now).slice(0, 7)
    if (body.effectiveFrom < thisMonth) throw badRequest('FORMULA_PAST_MONTH', `新公式只能从本月(${thisMonth})或以后生效`, { effectiveFrom: body.effectiveFrom, earliest: thisMonth })
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)
    if (sum(body.weights.unit) <= 0 || sum(body.weights.cadre) <= 0) throw badRequest('VALIDATION_FAILED', '权重之和必须大于 0', { weights: body.weights })
    const f = await repo.insertFormula(this.db, { weights: body.weights, effectiveFrom: body.effectiveFrom, note: body.note ?? null, createdBy: actor.userId })
    return { version: f.version, weights: f.weights, effectiveFrom: f.effective_from, note: f.note, createdAt: new Date(f.created_at).toISOString() }
  }
}

const pick = (r: { code: string; name: string; level: string }) => ({ code: r.code, name: r.name, level: r.level })

/** Scored rows by rank, then the unscored by cases received. */
function ordered<T extends { rank: number | null; received: number; key: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.received - a.received || a.key.localeCompare(b.key))
}

/** Lowest score first; unscored last. */
const worstFirst = (a: number | null, b: number | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b)

const SEVERITY = ['red_card', 'overdue_long', 'overdue', 'yellow_card', 'unsatisfied']
const severity = (why: string[]) => Math.min(...why.map((w) => SEVERITY.indexOf(w)))

function item(
  kind: AwardItem['kind'],
  subject: AwardItem['subject'],
  r: { key: string; name: string; score: number | null; rank: number | null; received: number },
  reasons: AwardItem['reasons'],
  cases: AwardItem['cases'],
  notes: Record<string, string>,
): AwardItem {
  const key = `${kind}:${subject}:${r.key}`
  return { key, kind, subject, subjectId: r.key, name: r.name, score: r.score, rank: r.rank, received: r.received, reasons, note: notes[key] ?? null, cases }
}
