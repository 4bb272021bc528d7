/**
 * The weekly 民情分析会 report (issue 16): a town's or the county's ISO week, every figure taken from the statistics
 * module (the same answers as GET /api/stats/cases and /api/stats/visits for that week), the lists the meeting
 * works through, and the intelligence sections when those services exist.
 */
import Type from 'typebox'
import { IsoDateTime, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'
import { CaseFiguresSchema, CaseStatsRowSchema, VisitFiguresSchema } from './stats.ts'

export const REPORT_FORMATS = ['json', 'xlsx', 'html'] as const
/** ISO 8601 week, e.g. 2026-W47 (weeks start on Monday, Asia/Shanghai). */
export const ISO_WEEK_PATTERN = '^[0-9]{4}-W[0-9]{2}$'
/** Open items: overdue for more than this many working days. */
export const REPORT_OVERDUE_DAYS = 5
/** At most this many cases per list (the list's `total` says how many there are). */
export const REPORT_LIST_MAX = 50

export const WeeklyReportQuery = Type.Object(
  {
    regionCode: Type.Optional(RegionCodeSchema),
    // Checked by the service (400 INVALID_WEEK), so a bad week gets its own code rather than a schema error.
    week: Type.Optional(Type.String({ maxLength: 12, description: 'ISO week, e.g. 2026-W47 (default: the last finished week)' })),
    format: Type.Optional(Type.Enum(REPORT_FORMATS)),
  },
  { additionalProperties: false },
)
export type WeeklyReportQueryT = Type.Static<typeof WeeklyReportQuery>

const Rate = Nullable(Type.Number())
const RegionRef = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })

/** A stats row of the week with last week's count next to it. */
export const WeeklyRowSchema = Type.Object({
  ...CaseStatsRowSchema.properties,
  previous: Type.Integer({ minimum: 0 }),
  change: Type.Integer(),
  /** (received − previous) / previous; null when last week had none. */
  changeRate: Rate,
})
export type WeeklyRow = Type.Static<typeof WeeklyRowSchema>

export const ReportCaseSchema = Type.Object({
  id: UuidSchema,
  number: Type.String(),
  title: Type.String(),
  regionName: Type.String(),
  state: Type.String(),
  level: Type.String(),
  category: Nullable(Type.String()),
  supervision: Nullable(Type.String()),
  /** Working days past the time limit (overdue list), else null. */
  overdueDays: Nullable(Type.Integer({ minimum: 0 })),
  at: IsoDateTime,
})
export type ReportCase = Type.Static<typeof ReportCaseSchema>
const CaseList = Type.Object({ total: Type.Integer({ minimum: 0 }), items: Type.Array(ReportCaseSchema) })

export const OPEN_ITEM_KINDS = ['overdue_long', 'unsatisfied_twice', 'leader_claimed', 'alert_new'] as const
export const OpenItemSchema = Type.Object({
  kind: Type.Enum(OPEN_ITEM_KINDS),
  caseId: Nullable(UuidSchema),
  number: Nullable(Type.String()),
  title: Type.String(),
  detail: Type.String(),
})
export type OpenItem = Type.Static<typeof OpenItemSchema>

/** A section fed by another module (hot words, clusters, alerts): `available: false` says it has not landed. */
const Section = <T extends Type.TSchema>(item: T) => Type.Object({ available: Type.Boolean(), note: Nullable(Type.String()), items: Type.Array(item) })
const WordSchema = Type.Object({ word: Type.String(), count: Type.Number(), previous: Nullable(Type.Number()) })

export const WeeklyReportSchema = Type.Object({
  region: RegionRef,
  week: Type.String(),
  from: Type.String(),
  to: Type.String(),
  previousWeek: Type.String(),
  generatedAt: IsoDateTime,
  /** true: the stored report of a finished week (fixed); false: the current week, computed now and not stored. */
  fixed: Type.Boolean(),
  /** When the statistics were last brought up to date. */
  asOf: IsoDateTime,
  total: CaseFiguresSchema,
  previousTotal: CaseFiguresSchema,
  change: Type.Integer(),
  changeRate: Rate,
  byCategory: Type.Array(WeeklyRowSchema),
  byRegion: Type.Array(WeeklyRowSchema),
  /** Now-figures (the cockpit's) at generation time: in progress, due soon, overdue. */
  now: Type.Object({ inProgress: Type.Integer(), dueSoon: Type.Integer(), overdue: Type.Integer() }),
  overdue: CaseList,
  supervised: CaseList,
  visits: Type.Object({ rows: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), ...VisitFiguresSchema.properties })), total: VisitFiguresSchema }),
  /**
   * The unit ranking: the evaluation module's scores of the month the week ends in (source `evaluation`, `period`
   * that month), or — without that module — the stats module's per-unit rows of the week (source `stats`).
   */
  units: Type.Object({
    source: Type.Union([Type.Literal('evaluation'), Type.Literal('stats')]),
    period: Nullable(Type.String()),
    rows: Type.Array(Type.Object({ ...CaseStatsRowSchema.properties, score: Nullable(Type.Number()), rank: Nullable(Type.Integer()) })),
  }),
  hotwords: Section(WordSchema),
  risingWords: Section(WordSchema),
  clusters: Section(Type.Object({ title: Type.String(), count: Type.Number(), regions: Type.Array(Type.String()) })),
  alerts: Section(Type.Object({ title: Type.String(), level: Type.String(), at: Nullable(Type.String()), isNew: Type.Boolean() })),
  openItems: Type.Array(OpenItemSchema),
  formulas: Type.Record(Type.String(), Type.Object({ name: Type.String(), nameEn: Type.String(), formula: Type.String(), formulaEn: Type.String() })),
})
export type WeeklyReport = Type.Static<typeof WeeklyReportSchema>

// ---- ISO weeks (server and web share them) --------------------------------------------------------------------
const DAY_MS = 86_400_000
const ymdOf = (t: number) => new Date(t).toISOString().slice(0, 10)

/** The ISO week (YYYY-Www) of a calendar date YYYY-MM-DD. */
export function isoWeekOf(ymd: string): string {
  const t = Date.parse(`${ymd}T00:00:00Z`)
  const dow = (new Date(t).getUTCDay() + 6) % 7 // Monday 0
  const thursday = t + (3 - dow) * DAY_MS
  const year = new Date(thursday).getUTCFullYear()
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS))
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** Monday..Sunday (YYYY-MM-DD) of an ISO week, or null when the text is no valid week (W00, W54, W53 of a 52-week year…). */
export function weekRange(week: string): { from: string; to: string } | null {
  if (!new RegExp(ISO_WEEK_PATTERN).test(week)) return null
  const year = Number(week.slice(0, 4))
  const n = Number(week.slice(6))
  if (year < 2000 || year > 2100 || n < 1 || n > 53) return null
  const jan4 = Date.UTC(year, 0, 4)
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS + (n - 1) * 7 * DAY_MS
  const from = ymdOf(monday)
  if (isoWeekOf(from) !== week) return null
  return { from, to: ymdOf(monday + 6 * DAY_MS) }
}

/** The week before (or `n` weeks from) an ISO week. */
export function shiftWeek(week: string, n: number): string {
  const r = weekRange(week)
  if (!r) throw new Error(`not an ISO week: ${week}`)
  return isoWeekOf(ymdOf(Date.parse(`${r.from}T00:00:00Z`) + n * 7 * DAY_MS))
}
