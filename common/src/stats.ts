/**
 * Statistics (issue 13): the ONE contract of every figure the console, the dashboards and the cockpit show.
 * The server's `modules/stats` computes them (from its rollup tables), this file names them, says in words how
 * each is computed (zh + en, returned by the API as `formulas`) and types the answers.
 *
 * Period semantics (read this before using any figure):
 * - A query's period `from..to` (dates, inclusive, Asia/Shanghai) selects a COHORT: the cases RECEIVED (created)
 *   on those days in the region subtree (and category / unit when given). Every case figure of a row describes
 *   that cohort as it stands now (at the last rollup, ≤ 2 s behind): of the cases received in March, how many are
 *   closed, how many ever went overdue, how their reporters rated them… So every rate is in 0..1 and a period's
 *   figures only grow more final as its cases finish. `groupBy=day|week|month` groups the cohort by the day
 *   (ISO week starting Monday, month) it was received.
 * - Cards, ratings, returns and reopenings are counted over the cohort's timeline (events of those cases, whenever
 *   they happened).
 * - The cockpit's "now" figures (inProgress, dueSoon, overdue) are the cases in that condition at this moment,
 *   whatever day they were received.
 * - `unit` is the unit the case is (or was last) dispatched to; cases never dispatched group under key `none`.
 * - `handler` is the cadre the case counts for: the leader who claimed it, else its current (or answering) handler;
 *   cases nobody has accepted group under key `none`. Summed from the per-case facts (same counters, same formulas).
 * - `level` (raised level) is the case's level when it was received; the level it closed at is its level then.
 */
import Type from 'typebox'
import { IsoDateTime, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'

/** A formula in words, shown next to the figure. */
export interface Formula {
  name: string
  nameEn: string
  formula: string
  formulaEn: string
}

export const CASE_METRICS = [
  'received',
  'closed',
  'inProgress',
  'overdue',
  'warned',
  'responseRate',
  'onTimeRate',
  'closeRate',
  'satisfactionRate',
  'unsatisfiedRate',
  'reopenRate',
  'returnRate',
  'avgDaysToClose',
  'yellowCards',
  'redCards',
  'levelResolvedRate',
  'gridResolvedRate',
  'villageResolvedRate',
  'townResolvedRate',
] as const
export type CaseMetric = (typeof CASE_METRICS)[number]

const COHORT = '本期受理的事项(按受理日期,北京时间)'
const COHORT_EN = 'cases received in the period (by the day received, Asia/Shanghai)'

/** The one definition of every case figure. The server computes exactly these; the UI shows them beside the numbers. */
export const CASE_FORMULAS: Record<CaseMetric, Formula> = {
  received: { name: '受理件数', nameEn: 'Received', formula: `${COHORT}的件数(含后来不予受理、并案的)`, formulaEn: `number of ${COHORT_EN}, including those later rejected or merged` },
  closed: { name: '办结件数', nameEn: 'Closed', formula: `${COHORT}中当前已办结的件数`, formulaEn: `${COHORT_EN} that are closed now` },
  inProgress: {
    name: '在办件数',
    nameEn: 'In progress',
    formula: `${COHORT}中尚未结束的件数(待交办、办理中、待评价;不含已办结、不予受理、已并案)`,
    formulaEn: `${COHORT_EN} not finished yet (waiting for dispatch, being handled or waiting for the rating; not closed, rejected or merged)`,
  },
  overdue: { name: '超期件数', nameEn: 'Overdue', formula: `${COHORT}中曾超过办理时限的件数`, formulaEn: `${COHORT_EN} that ever passed their time limit (got the overdue mark)` },
  warned: { name: '预警件数', nameEn: 'Warned', formula: `${COHORT}中曾到达时限 70% 预警的件数`, formulaEn: `${COHORT_EN} that ever reached the warning mark (70 % of the time limit)` },
  responseRate: {
    name: '响应率',
    nameEn: 'Response rate',
    formula: `${COHORT}中:在签收时限内签收(未被标记签收超时且已签收或领导认领)的件数 ÷ 曾被交办的件数`,
    formulaEn: `of ${COHORT_EN}: accepted (or claimed) without an accept-overdue mark ÷ ever dispatched`,
  },
  onTimeRate: { name: '按期办结率', nameEn: 'On-time rate', formula: `${COHORT}中:未曾超期的已办结件数 ÷ 已办结件数`, formulaEn: `of ${COHORT_EN}: closed without ever being overdue ÷ closed` },
  closeRate: {
    name: '办结率',
    nameEn: 'Close rate',
    formula: `${COHORT}中:已办结件数 ÷ (受理件数 − 不予受理 − 已并案)`,
    formulaEn: `of ${COHORT_EN}: closed ÷ (received − rejected − merged)`,
  },
  satisfactionRate: {
    name: '满意率',
    nameEn: 'Satisfaction rate',
    formula: `${COHORT}收到的评价中:(满意 + 基本满意)次数 ÷ 评价次数(自动办结不计评价)`,
    formulaEn: `of the ratings given to ${COHORT_EN}: (satisfied + basically satisfied) ÷ all ratings (auto-closed cases have none)`,
  },
  unsatisfiedRate: {
    name: '不满意率',
    nameEn: 'Unsatisfied rate',
    formula: `${COHORT}收到的评价中:不满意次数 ÷ 评价次数`,
    formulaEn: `of the ratings given to ${COHORT_EN}: unsatisfied ÷ all ratings`,
  },
  reopenRate: {
    name: '重办率',
    nameEn: 'Reopen rate',
    formula: `${COHORT}中:曾被重办(不满意或交办人重办)的件数 ÷ 曾答复(含当场解决)的件数`,
    formulaEn: `of ${COHORT_EN}: ever reopened (unsatisfied rating or a dispatcher’s reopen) ÷ ever answered (incl. resolved on the spot)`,
  },
  returnRate: {
    name: '退回率',
    nameEn: 'Return rate',
    formula: `${COHORT}中:曾被承办单位退回的件数 ÷ 曾被交办的件数`,
    formulaEn: `of ${COHORT_EN}: ever returned by the handling unit ÷ ever dispatched`,
  },
  avgDaysToClose: {
    name: '平均办结用时(工作日)',
    nameEn: 'Average working days to close',
    formula: `${COHORT}中已办结的:从受理到办结的工作日数(法定节假日、调休按国家安排)之和 ÷ 已办结件数,保留一位小数`,
    formulaEn: `of ${COHORT_EN} that are closed: sum of working days (Chinese holidays and make-up days) from received to closed ÷ closed, one decimal`,
  },
  yellowCards: { name: '黄牌督办', nameEn: 'Yellow cards', formula: `${COHORT}收到的黄牌督办次数`, formulaEn: `yellow-card supervision orders given to ${COHORT_EN}` },
  redCards: { name: '红牌督办', nameEn: 'Red cards', formula: `${COHORT}收到的红牌督办次数`, formulaEn: `red-card supervision orders given to ${COHORT_EN}` },
  levelResolvedRate: {
    name: '层级化解率',
    nameEn: 'Resolved at the raised level',
    formula: `${COHORT}中已办结的:办结时层级不高于受理时层级(未被上报到更高层级办结)的件数 ÷ 已办结件数`,
    formulaEn: `of ${COHORT_EN} that are closed: closed at the level they were raised at or below (not escalated above it) ÷ closed`,
  },
  gridResolvedRate: {
    name: '小事不出网格',
    nameEn: 'Grid matters kept in the grid',
    formula: `${COHORT}中在网格层级受理且已办结的:在网格层级(或以下)办结的件数 ÷ 其办结件数`,
    formulaEn: `of ${COHORT_EN} raised at grid level and closed: closed at grid level ÷ closed`,
  },
  villageResolvedRate: {
    name: '大事不出村社',
    nameEn: 'Village matters kept in the village',
    formula: `${COHORT}中在村社层级受理且已办结的:在村社层级或以下办结的件数 ÷ 其办结件数`,
    formulaEn: `of ${COHORT_EN} raised at village level and closed: closed at village level or below ÷ closed`,
  },
  townResolvedRate: {
    name: '难事不出镇街',
    nameEn: 'Town matters kept in the town',
    formula: `${COHORT}中在镇街层级受理且已办结的:在镇街层级或以下办结的件数 ÷ 其办结件数`,
    formulaEn: `of ${COHORT_EN} raised at town level and closed: closed at town level or below ÷ closed`,
  },
}

export const VISIT_METRICS = ['entries', 'visits', 'households', 'quota', 'coverage'] as const
export type VisitMetric = (typeof VISIT_METRICS)[number]
export const VISIT_FORMULAS: Record<VisitMetric, Formula> = {
  entries: { name: '民情日记篇数', nameEn: 'Diary entries', formula: '期内(按走访日期,北京时间)写下的民情日记篇数', formulaEn: 'diary entries with a visit date in the period (Asia/Shanghai)' },
  visits: { name: '走访次数', nameEn: 'Visits', formula: '期内走访了户或企业的日记篇数', formulaEn: 'entries in the period that visited a household or an enterprise' },
  households: { name: '走访户数', nameEn: 'Households visited', formula: '期内被走访过的不同户数', formulaEn: 'distinct households visited in the period' },
  quota: {
    name: '应走访户数',
    nameEn: 'Households to visit',
    formula: '区域内在册户数 × 走访规则的每月走访比例(驻村指导员每月不少于本村 8% 的农户)× 期内涉及的自然月数,向上取整,不超过在册户数',
    formulaEn:
      'households of the area × the visit rule’s monthly share (a stationed cadre visits ≥ 8 % of the village’s households a month) × calendar months the period touches, rounded up, at most all households',
  },
  coverage: {
    name: '走访覆盖率',
    nameEn: 'Visit coverage',
    formula: '走访户数 ÷ 应走访户数,最高 100%(应走访为 0 时为空)',
    formulaEn: 'households visited ÷ households to visit, at most 1 (null when none are due)',
  },
}

// ---- GET /api/stats/cases ----------------------------------------------------------------------------------
export const STATS_GROUP_BY = ['region', 'category', 'unit', 'handler', 'day', 'week', 'month', 'year', 'level'] as const
export type StatsGroupBy = (typeof STATS_GROUP_BY)[number]
/** Longest period one query may span (days). */
export const STATS_MAX_SPAN_DAYS = 366 * 5

const DateOnly = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', format: 'date', description: 'YYYY-MM-DD (Asia/Shanghai)' })

export const CaseStatsQuery = Type.Object(
  {
    /** Default: the caller's own region. */
    regionCode: Type.Optional(RegionCodeSchema),
    /** Default: 1 January of this year. */
    from: Type.Optional(DateOnly),
    /** Default: today. Inclusive. */
    to: Type.Optional(DateOnly),
    /** Default: region (the children of regionCode). */
    groupBy: Type.Optional(Type.Enum(STATS_GROUP_BY)),
    /** A top-level or sub-category code; a top-level one includes its sub-categories. */
    categoryCode: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_.]{1,40}$' })),
    unitId: Type.Optional(UuidSchema),
  },
  { additionalProperties: false },
)
export type CaseStatsQueryT = Type.Static<typeof CaseStatsQuery>

const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1 }))
const Count = Type.Integer({ minimum: 0 })
export const CaseFiguresSchema = Type.Object({
  received: Count,
  closed: Count,
  inProgress: Count,
  overdue: Count,
  warned: Count,
  responseRate: Rate,
  onTimeRate: Rate,
  closeRate: Rate,
  satisfactionRate: Rate,
  unsatisfiedRate: Rate,
  reopenRate: Rate,
  returnRate: Rate,
  avgDaysToClose: Nullable(Type.Number({ minimum: 0 })),
  yellowCards: Count,
  redCards: Count,
  levelResolvedRate: Rate,
  gridResolvedRate: Rate,
  villageResolvedRate: Rate,
  townResolvedRate: Rate,
})
export type CaseFigures = Type.Static<typeof CaseFiguresSchema>

export const CaseStatsRowSchema = Type.Object({
  /**
   * region: region code; category: top-level category code (or the sub-category code when `categoryCode` names a
   * top level); unit: unit id or `none`; handler: user id or `none`; day: YYYY-MM-DD; week: YYYY-MM-DD of its Monday; month: YYYY-MM;
   * year: YYYY; level: grid|village|town|county (raised level).
   */
  key: Type.String(),
  name: Type.String(),
  ...CaseFiguresSchema.properties,
})
export type CaseStatsRow = Type.Static<typeof CaseStatsRowSchema>

const FormulaSchema = Type.Object({ name: Type.String(), nameEn: Type.String(), formula: Type.String(), formulaEn: Type.String() })

export const CaseStatsSchema = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() }),
  from: DateOnly,
  to: DateOnly,
  groupBy: Type.Enum(STATS_GROUP_BY),
  rows: Type.Array(CaseStatsRowSchema),
  total: CaseFiguresSchema,
  formulas: Type.Record(Type.String(), FormulaSchema),
  /** When the rollups were last brought up to date. */
  asOf: IsoDateTime,
})
export type CaseStats = Type.Static<typeof CaseStatsSchema>

// ---- GET /api/stats/visits ---------------------------------------------------------------------------------
export const VisitStatsQuery = Type.Object(
  { regionCode: Type.Optional(RegionCodeSchema), from: Type.Optional(DateOnly), to: Type.Optional(DateOnly), groupBy: Type.Optional(Type.Literal('region')) },
  { additionalProperties: false },
)
export const VisitFiguresSchema = Type.Object({ entries: Count, visits: Count, households: Count, quota: Count, coverage: Rate })
export type VisitFigures = Type.Static<typeof VisitFiguresSchema>
export const VisitStatsSchema = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() }),
  from: DateOnly,
  to: DateOnly,
  rows: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), ...VisitFiguresSchema.properties })),
  total: VisitFiguresSchema,
  formulas: Type.Record(Type.String(), FormulaSchema),
})
export type VisitStats = Type.Static<typeof VisitStatsSchema>

// ---- GET /api/cockpit/summary ------------------------------------------------------------------------------
export const CockpitQuery = Type.Object({ regionCode: Type.Optional(RegionCodeSchema) }, { additionalProperties: false })

export const COCKPIT_FEED_KINDS = ['new', 'warned', 'overdue'] as const
/** Points on the map: at most this many (the latest received). */
export const COCKPIT_POINTS_MAX = 2000
export const COCKPIT_FEED_MAX = 20

export const COCKPIT_FORMULAS: Record<string, Formula> = {
  today: { name: '今日受理', nameEn: 'Received today', formula: '今天(北京时间)受理的件数', formulaEn: 'cases received today (Asia/Shanghai)' },
  month: { name: '本月受理', nameEn: 'Received this month', formula: '本月受理的件数', formulaEn: 'cases received this month' },
  year: { name: '本年受理', nameEn: 'Received this year', formula: '本年受理的件数', formulaEn: 'cases received this year' },
  inProgress: { name: '在办', nameEn: 'In progress', formula: '此刻尚未结束的件数(任何时间受理)', formulaEn: 'cases not finished at this moment (received any time)' },
  dueSoon: { name: '即将超期', nameEn: 'Due soon', formula: '此刻计时中、已预警但未超期的件数', formulaEn: 'cases whose clock runs, warned but not overdue, at this moment' },
  overdue: { name: '超期', nameEn: 'Overdue', formula: '此刻未结束且已超期的件数', formulaEn: 'cases not finished and overdue at this moment' },
  closeRate: { ...CASE_FORMULAS.closeRate, formula: `本年${CASE_FORMULAS.closeRate.formula}`, formulaEn: `this year: ${CASE_FORMULAS.closeRate.formulaEn}` },
  satisfactionRate: { ...CASE_FORMULAS.satisfactionRate, formula: `本年${CASE_FORMULAS.satisfactionRate.formula}`, formulaEn: `this year: ${CASE_FORMULAS.satisfactionRate.formulaEn}` },
  levelResolved: {
    name: '层级化解',
    nameEn: 'Resolved at level',
    formula: '本年:小事不出网格、大事不出村社、难事不出镇街(定义见各自公式)',
    formulaEn: 'this year: grid, village and town resolved rates (see their formulas)',
  },
  visits: { ...VISIT_FORMULAS.coverage, formula: `本月${VISIT_FORMULAS.coverage.formula}`, formulaEn: `this month: ${VISIT_FORMULAS.coverage.formulaEn}` },
  residents: { name: '在册居民', nameEn: 'Residents', formula: '民情档案中区域内在册的人数(不是系统账号)', formulaEn: 'persons in the archive of the area (not login accounts)' },
  accounts: { name: '系统账号', nameEn: 'Accounts', formula: '区域内启用的登录账号数', formulaEn: 'active login accounts of the area' },
}

const RegionRef = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })

export const CockpitSummarySchema = Type.Object({
  region: RegionRef,
  generatedAt: IsoDateTime,
  totals: Type.Object({ today: Count, month: Count, year: Count }),
  inProgress: Count,
  dueSoon: Count,
  overdue: Count,
  /** This year's cohort. */
  closeRate: Rate,
  satisfactionRate: Rate,
  levelResolved: Type.Object({ grid: Rate, village: Rate, town: Rate }),
  /** Children regions, this year's cohort (overdue: now), sorted by received desc. */
  ranking: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), received: Count, closed: Count, closeRate: Rate, satisfactionRate: Rate, overdue: Count })),
  /** This year's cohort by top-level category, sorted by count desc. */
  categories: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), count: Count })),
  /** Daily received, 1 Jan → today this year, and the same days last year (index 0 = 1 Jan). */
  trend: Type.Object({
    thisYear: Type.Array(Type.Object({ day: DateOnly, count: Count })),
    lastYear: Type.Array(Type.Object({ day: DateOnly, count: Count })),
  }),
  /** Latest new, warned and overdue cases (titles are user text: escape them). */
  feed: Type.Array(
    Type.Object({
      kind: Type.Enum(COCKPIT_FEED_KINDS),
      caseId: UuidSchema,
      number: Type.String(),
      title: Type.String(),
      regionPath: Type.Array(Type.String(), { description: 'region names from the county down' }),
      state: Type.String(),
      at: IsoDateTime,
    }),
  ),
  /** This month's visits against the quota. */
  visits: VisitFiguresSchema,
  /** Latest cases with coordinates, at most COCKPIT_POINTS_MAX. */
  points: Type.Array(Type.Object({ caseId: UuidSchema, lat: Type.Number(), lng: Type.Number(), state: Type.String(), categoryCode: Nullable(Type.String()), overdue: Type.Boolean() })),
  /** Persons in the archive (residents) — not accounts. */
  residents: Count,
  /** Active login accounts of the area — not residents. */
  accounts: Count,
  formulas: Type.Record(Type.String(), FormulaSchema),
})
export type CockpitSummary = Type.Static<typeof CockpitSummarySchema>
