import Type, { type Static } from 'typebox'
import { RegionCodeSchema, UuidSchema } from './schemas.ts'

/** A calendar day, YYYY-MM-DD (Asia/Shanghai). */
export const DaySchema = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description: 'calendar day YYYY-MM-DD (Asia/Shanghai)' })

/** GET /api/duty/roster: a week (or up to 31 days) of the county's 值班 roster. */
export const DutyRosterQuery = Type.Object(
  {
    from: Type.Optional(DaySchema),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 31, default: 7 })),
    /** The county (or any region in it); defaults to the caller's county. */
    regionCode: Type.Optional(RegionCodeSchema),
  },
  { additionalProperties: false },
)

export const DutyOfficerSchema = Type.Object({ userId: UuidSchema, name: Type.String(), roles: Type.Array(Type.String()) })
export type DutyOfficer = Static<typeof DutyOfficerSchema>

export const DutyRosterSchema = Type.Object({
  countyCode: Type.String(),
  countyName: Type.String(),
  /** Whether the caller may change this roster (the county's admins and leaders). */
  editable: Type.Boolean(),
  days: Type.Array(Type.Object({ day: Type.String(), officers: Type.Array(DutyOfficerSchema), fallback: Type.Boolean({ description: 'nobody rostered: the county leaders are reached' }) })),
  /** Who may be rostered: active admins and leaders of the county. */
  candidates: Type.Array(DutyOfficerSchema),
})
export type DutyRoster = Static<typeof DutyRosterSchema>

/** PUT /api/duty/roster/:day: the officers of that day (empty clears it). */
export const DutyDayParams = Type.Object({ day: DaySchema })
export const SetDutyDayBody = Type.Object(
  {
    userIds: Type.Array(UuidSchema, { maxItems: 10, uniqueItems: true }),
    regionCode: Type.Optional(RegionCodeSchema),
  },
  { additionalProperties: false },
)
