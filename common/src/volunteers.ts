import Type from 'typebox'
import { CASE_STATES, PUBLIC_STAGES } from './case-enums.ts'
import { IsoDateTime, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'

/**
 * 先锋任务 (issue 15), the volunteer's side beyond the tasks themselves: the monthly leaderboard of an area and the
 * summary of the case a claimed task was made from.
 */

/** A month as `YYYY-MM` (Asia/Shanghai calendar months). */
const LeaderboardMonth = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'calendar month YYYY-MM (Asia/Shanghai)' })

export const LeaderboardQuery = Type.Object(
  {
    /** Default: a volunteer's residence region; staff's own region. */
    regionCode: Type.Optional(RegionCodeSchema),
    /** Default: this month. */
    month: Type.Optional(LeaderboardMonth),
  },
  { additionalProperties: false },
)

const Figures = { hours: Type.Number(), points: Type.Integer(), tasks: Type.Integer() }

export const LeaderboardEntrySchema = Type.Object({
  /** Standard competition ranking (1, 2, 2, 4) by confirmed hours, then points. */
  rank: Type.Integer(),
  /** Null for other volunteers when a volunteer reads the board. */
  userId: Nullable(UuidSchema),
  /** Masked (金*婷) for other volunteers when a volunteer reads the board; staff read names in full. */
  name: Type.String(),
  regionName: Type.String(),
  me: Type.Boolean(),
  ...Figures,
})
export type LeaderboardEntry = Type.Static<typeof LeaderboardEntrySchema>

export const LeaderboardSchema = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String() }),
  month: Type.String(),
  /** The first LEADERBOARD_SIZE ranked volunteers (those with confirmed hours or points that month). */
  items: Type.Array(LeaderboardEntrySchema),
  /** Ranked volunteers in all. */
  total: Type.Integer(),
  /** The caller's own line when they are a volunteer of this area (rank null: nothing confirmed that month). */
  mine: Nullable(Type.Object({ rank: Nullable(Type.Integer()), ...Figures })),
})
export type Leaderboard = Type.Static<typeof LeaderboardSchema>
export const LEADERBOARD_SIZE = 50

/** The case a task was made from, as a volunteer who claimed the task reads it: what and where, no people. */
export const TaskCaseSummarySchema = Type.Object({
  id: UuidSchema,
  number: Type.String(),
  title: Type.String(),
  description: Type.String(),
  regionName: Type.String(),
  category: Nullable(Type.String()),
  state: Type.Enum(CASE_STATES),
  stage: Type.Enum(PUBLIC_STAGES),
  createdAt: IsoDateTime,
})
export type TaskCaseSummary = Type.Static<typeof TaskCaseSummarySchema>

/** A name as one volunteer sees another's on the board: 金雨婷 → 金*婷, 李明 → 李*, one character stays. */
export function maskName(name: string): string {
  const chars = [...name.trim()]
  if (chars.length <= 1) return chars.join('')
  if (chars.length === 2) return chars[0] + '*'
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1]
}
