/**
 * 考核评价 (issue 16): monthly scores of units and cadres, and the 奔跑奖 / 蜗牛奖 awards. Every figure is the
 * statistics module's (common/src/stats.ts: the month's cohort, groupBy unit or handler); this file only says how
 * they are weighed. The formula is versioned: a month is scored with the version in force that month.
 */
import Type from 'typebox'
import { CaseFiguresSchema, VisitFiguresSchema } from './stats.ts'
import { IsoDateTime, Nullable, RegionCodeSchema } from './schemas.ts'

export const MonthSchema = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (Asia/Shanghai)' })

/** The rates a unit is scored on (0..1 each, from the statistics module). */
export const UNIT_SCORE_RATES = ['responseRate', 'onTimeRate', 'satisfactionRate', 'closeRate'] as const
/** A cadre's: the same rates, visit coverage (stats visits quota) and volunteer hours (÷ the monthly target, at most 1). */
export const CADRE_SCORE_PARTS = [...UNIT_SCORE_RATES, 'visitCoverage', 'volunteerHours'] as const
export type UnitScoreRate = (typeof UNIT_SCORE_RATES)[number]
export type CadreScorePart = (typeof CADRE_SCORE_PARTS)[number]

const W = Type.Number({ minimum: 0, maximum: 100 })
const N = (max: number) => Type.Integer({ minimum: 0, maximum: max })
export const EvaluationWeightsSchema = Type.Object(
  {
    unit: Type.Object({ responseRate: W, onTimeRate: W, satisfactionRate: W, closeRate: W }, { additionalProperties: false }),
    cadre: Type.Object({ responseRate: W, onTimeRate: W, satisfactionRate: W, closeRate: W, visitCoverage: W, volunteerHours: W }, { additionalProperties: false }),
    /** Points off per yellow card, red card and overdue case of the month's cohort. */
    penalties: Type.Object({ yellowCard: W, redCard: W, overdueCase: W }, { additionalProperties: false }),
    /** Fewer cases than this: listed unscored (a cadre with a visit quota is scored on visits and hours). */
    minCases: Type.Object({ unit: N(1000), cadre: N(1000) }, { additionalProperties: false }),
    /** Volunteer hours a month that count as 100 %. */
    hoursTarget: Type.Number({ minimum: 0, maximum: 200 }),
    awards: Type.Object(
      {
        top: N(20),
        bottom: N(20),
        /** 奔跑奖 needs at least this many cases. */
        minCases: N(1000),
        /** 蜗牛奖 for any case overdue by more than this many working days. */
        overdueWorkingDays: N(60),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)
export type EvaluationWeights = Type.Static<typeof EvaluationWeightsSchema>

export const FormulaVersionSchema = Type.Object({
  version: Type.Integer(),
  weights: EvaluationWeightsSchema,
  /** First month scored with it (it holds until the next version's month). */
  effectiveFrom: MonthSchema,
})
export type FormulaVersion = Type.Static<typeof FormulaVersionSchema>

/** The formula in words (shown on screen beside the scores). */
export const EVALUATION_FORMULA_TEXT = {
  score: '得分 = 100 × Σ(权重 × 指标) ÷ Σ(有值指标的权重) − 扣分。指标取统计模块的本月受理事项(按受理日期)的比率(0..1);某项无值(如无评价、无交办)时其权重按比例分给其余指标。',
  scoreEn:
    'score = 100 × Σ(weight × rate) ÷ Σ(weights of the rates that have a value) − deductions. Rates are the statistics module’s for the cases received in the month (0..1); a rate without a value (no ratings, nothing dispatched) gives its weight to the others in proportion.',
  penalties: '扣分 = 黄牌 × 每张扣分 + 红牌 × 每张扣分 + 超期件数 × 每件扣分',
  penaltiesEn: 'deductions = yellow cards × points + red cards × points + overdue cases × points',
  unscored: '受理件数少于最低件数的不计分(列为“不计分”);干部有走访任务的,按走访和志愿时长计分',
  unscoredEn: 'fewer cases than the minimum: listed unscored; a cadre with a visit quota is scored on visits and volunteer hours',
  visitCoverage: '走访覆盖率 = 走访户数 ÷ 应走访户数(本村社在册户数 × 每月走访比例),最高 100%;村社、网格以上干部不设走访任务',
  visitCoverageEn: 'visit coverage = households visited ÷ households to visit (the village’s households × the monthly share), at most 1; no quota above village level',
  volunteerHours: '志愿时长 = 本月确认的先锋任务时长 ÷ 每月目标时长,最高 100%',
  volunteerHoursEn: 'volunteer hours = hours confirmed this month ÷ the monthly target, at most 1',
  runner: '奔跑奖:得分前 N 名(受理件数不少于最低件数)',
  runnerEn: 'Runner award: the top N by score (with at least the minimum number of cases)',
  snail: '蜗牛奖:得分后 N 名,以及本月有红牌督办或有事项超期超过 N 个工作日的(按法定节假日和调休计)',
  snailEn: 'Snail award: the bottom N by score, and any with a red card or a case overdue by more than N working days (Chinese holidays and make-up days)',
} as const

export const EvaluationQuery = Type.Object({ period: MonthSchema, regionCode: Type.Optional(RegionCodeSchema) }, { additionalProperties: false })
export type EvaluationQueryT = Type.Static<typeof EvaluationQuery>

const Score = Nullable(Type.Number())
const ScoreFields = {
  /** Null when unscored. */
  score: Score,
  /** 100 × weighted rates before deductions. */
  base: Score,
  deductions: Type.Number({ minimum: 0 }),
  /** 1 = best; null when unscored. */
  rank: Nullable(Type.Integer({ minimum: 1 })),
  /** Why the row has no score (null when it has one). */
  unscored: Nullable(Type.Literal('too_few_cases')),
  /** Parts without a value whose weight went to the others. */
  redistributed: Type.Array(Type.String()),
}

export const UnitScoreRowSchema = Type.Object({ key: Type.String(), name: Type.String(), ...CaseFiguresSchema.properties, ...ScoreFields })
export type UnitScoreRow = Type.Static<typeof UnitScoreRowSchema>
export const CadreScoreRowSchema = Type.Object({
  key: Type.String(),
  name: Type.String(),
  ...CaseFiguresSchema.properties,
  visits: VisitFiguresSchema,
  visitCoverage: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  volunteerHours: Type.Number({ minimum: 0 }),
  ...ScoreFields,
})
export type CadreScoreRow = Type.Static<typeof CadreScoreRowSchema>

const RegionRef = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })
const FormulaTextSchema = Type.Record(Type.String(), Type.String())
const StatsFormula = Type.Object({ name: Type.String(), nameEn: Type.String(), formula: Type.String(), formulaEn: Type.String() })

export const UnitScoresSchema = Type.Object({
  period: MonthSchema,
  region: RegionRef,
  formula: FormulaVersionSchema,
  formulaText: FormulaTextSchema,
  /** The statistics module's formulas of every figure. */
  formulas: Type.Record(Type.String(), StatsFormula),
  rows: Type.Array(UnitScoreRowSchema),
  asOf: IsoDateTime,
})
export type UnitScores = Type.Static<typeof UnitScoresSchema>
export const CadreScoresSchema = Type.Object({ ...UnitScoresSchema.properties, rows: Type.Array(CadreScoreRowSchema) })
export type CadreScores = Type.Static<typeof CadreScoresSchema>

// ---- awards ------------------------------------------------------------------------------------------------
export const AWARD_KINDS = ['runner', 'snail'] as const
export type AwardKind = (typeof AWARD_KINDS)[number]
export const AWARD_SUBJECTS = ['unit', 'cadre'] as const
export type AwardSubject = (typeof AWARD_SUBJECTS)[number]
export const AWARD_REASONS = ['top', 'bottom', 'red_card', 'overdue_long'] as const
export const AWARD_CASE_WHY = ['closed_on_time', 'satisfied', 'red_card', 'yellow_card', 'overdue_long', 'overdue', 'unsatisfied'] as const
export const AWARD_STATES = ['draft', 'published'] as const
/** Cases listed per award at most. */
export const AWARD_CASES_MAX = 20

export const AwardItemSchema = Type.Object({
  /** `${kind}:${subject}:${subjectId}`: the key of its note. */
  key: Type.String(),
  kind: Type.Enum(AWARD_KINDS),
  subject: Type.Enum(AWARD_SUBJECTS),
  subjectId: Type.String(),
  name: Type.String(),
  score: Score,
  rank: Nullable(Type.Integer()),
  received: Type.Integer({ minimum: 0 }),
  reasons: Type.Array(Type.Enum(AWARD_REASONS)),
  note: Nullable(Type.String()),
  cases: Type.Array(
    Type.Object({
      id: Type.String(),
      number: Type.String(),
      title: Type.String(),
      state: Type.String(),
      why: Type.Array(Type.Enum(AWARD_CASE_WHY)),
      overdueWorkingDays: Type.Integer({ minimum: 0 }),
    }),
  ),
})
export type AwardItem = Type.Static<typeof AwardItemSchema>

export const AwardsSchema = Type.Object({
  period: MonthSchema,
  region: RegionRef,
  state: Type.Enum(AWARD_STATES),
  note: Nullable(Type.String()),
  formula: FormulaVersionSchema,
  items: Type.Array(AwardItemSchema),
  publishedAt: Nullable(IsoDateTime),
  publishedBy: Nullable(Type.String()),
})
export type Awards = Type.Static<typeof AwardsSchema>

const Note = Type.String({ maxLength: 500 })
export const AwardsBody = Type.Object(
  {
    period: MonthSchema,
    regionCode: Type.Optional(RegionCodeSchema),
    note: Type.Optional(Nullable(Note)),
    /** Notes by item key. */
    notes: Type.Optional(Type.Record(Type.String({ maxLength: 120 }), Note)),
  },
  { additionalProperties: false },
)
export type AwardsBodyT = Type.Static<typeof AwardsBody>

export const LatestAwardsQuery = Type.Object({ regionCode: Type.Optional(RegionCodeSchema) }, { additionalProperties: false })
export const LatestAwardsSchema = Type.Object({ awards: Nullable(AwardsSchema) })

export const FormulaListSchema = Type.Object({ items: Type.Array(Type.Object({ ...FormulaVersionSchema.properties, note: Nullable(Type.String()), createdAt: IsoDateTime })) })
export const CreateFormulaBody = Type.Object({ weights: EvaluationWeightsSchema, effectiveFrom: MonthSchema, note: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false })
export type CreateFormula = Type.Static<typeof CreateFormulaBody>
