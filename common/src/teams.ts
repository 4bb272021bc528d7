import Type from 'typebox'
import { Name, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'

/**
 * 志愿队伍 and their 轮值接访 rota (issue 15). A team belongs to a grid or community (any region of the caller's
 * area); its members are volunteer users residing in the team's region subtree; the rota is weekly slots plus dated
 * exceptions, and "who is on duty on date D" is answered from both.
 */
export const TEAM_KINDS = ['village_doctor', 'repair', 'lawyer', 'student', 'party_vanguard', 'other'] as const
export type TeamKind = (typeof TEAM_KINDS)[number]

/** HH:MM, 00:00–23:59 (local time, Asia/Shanghai). */
export const TimeOfDay = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM local time' })
/** A calendar date YYYY-MM-DD. */
export const DateOnly = Type.String({ format: 'date' })

const Text = (maxLength: number) => Type.String({ maxLength })
const MemberIds = Type.Array(UuidSchema, { maxItems: 500, uniqueItems: true })

export const CreateTeamBody = Type.Object(
  {
    name: Name(60),
    kind: Type.Enum(TEAM_KINDS),
    regionCode: RegionCodeSchema,
    description: Type.Optional(Text(1000)),
    memberIds: Type.Optional(MemberIds),
    /** One of the members. */
    leaderId: Type.Optional(Nullable(UuidSchema)),
  },
  { additionalProperties: false },
)
export type CreateTeam = Type.Static<typeof CreateTeamBody>
export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(Name(60)),
    kind: Type.Optional(Type.Enum(TEAM_KINDS)),
    description: Type.Optional(Text(1000)),
    memberIds: Type.Optional(MemberIds),
    leaderId: Type.Optional(Nullable(UuidSchema)),
  },
  { additionalProperties: false },
)
export type UpdateTeam = Type.Static<typeof UpdateTeamBody>

export const TeamMemberSchema = Type.Object({ userId: UuidSchema, name: Type.String(), isPartyMember: Type.Boolean(), isYouthLeague: Type.Boolean() })
export const TeamSchema = Type.Object({
  id: UuidSchema,
  name: Type.String(),
  kind: Type.Enum(TEAM_KINDS),
  regionCode: Type.String(),
  regionName: Type.String(),
  description: Type.String(),
  leaderId: Nullable(UuidSchema),
  leaderName: Nullable(Type.String()),
  members: Type.Array(TeamMemberSchema),
  memberCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
})
export type Team = Type.Static<typeof TeamSchema>
export const TeamListQuery = Type.Object({ regionCode: Type.Optional(RegionCodeSchema), mine: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
export const TeamListSchema = Type.Object({ items: Type.Array(TeamSchema), total: Type.Integer() })

/** Volunteers who may join a team of a region: volunteer users residing in its subtree. */
export const TeamCandidatesQuery = Type.Object({ regionCode: RegionCodeSchema, q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })) }, { additionalProperties: false })
export const TeamCandidatesSchema = Type.Object({ items: Type.Array(TeamMemberSchema) })

export const RotaSlotInput = Type.Object(
  { weekday: Type.Integer({ minimum: 1, maximum: 7 }), start: TimeOfDay, end: TimeOfDay, place: Type.Optional(Text(100)), userId: Type.Optional(Nullable(UuidSchema)), note: Type.Optional(Text(200)) },
  { additionalProperties: false },
)
/** The whole weekly rota at once (replaces the previous slots; their exceptions go with them). */
export const PutRotaBody = Type.Object({ slots: Type.Array(RotaSlotInput, { maxItems: 100 }) }, { additionalProperties: false })
export type PutRota = Type.Static<typeof PutRotaBody>
export const RotaSlotSchema = Type.Object({
  id: UuidSchema,
  weekday: Type.Integer(),
  start: Type.String(),
  end: Type.String(),
  place: Type.String(),
  userId: Nullable(UuidSchema),
  userName: Nullable(Type.String()),
  note: Type.String(),
})
export type RotaSlot = Type.Static<typeof RotaSlotSchema>

/** A dated exception: `slotId` + `cancelled` cancels that slot on the date; `slotId` + fields changes it; no `slotId` adds an extra duty (start, end required). */
export const RotaExceptionBody = Type.Object(
  {
    date: DateOnly,
    slotId: Type.Optional(UuidSchema),
    cancelled: Type.Optional(Type.Boolean()),
    start: Type.Optional(TimeOfDay),
    end: Type.Optional(TimeOfDay),
    place: Type.Optional(Text(100)),
    userId: Type.Optional(Nullable(UuidSchema)),
    note: Type.Optional(Text(200)),
  },
  { additionalProperties: false },
)
export type RotaExceptionInput = Type.Static<typeof RotaExceptionBody>
export const RotaExceptionSchema = Type.Object({
  id: UuidSchema,
  date: Type.String(),
  slotId: Nullable(UuidSchema),
  cancelled: Type.Boolean(),
  start: Nullable(Type.String()),
  end: Nullable(Type.String()),
  place: Nullable(Type.String()),
  userId: Nullable(UuidSchema),
  userName: Nullable(Type.String()),
  note: Type.String(),
})
export const RotaSchema = Type.Object({ teamId: UuidSchema, slots: Type.Array(RotaSlotSchema), exceptions: Type.Array(RotaExceptionSchema) })
export type Rota = Type.Static<typeof RotaSchema>
export const RotaExceptionParams = Type.Object({ id: UuidSchema, exceptionId: UuidSchema })

/** Who is on duty: one date, or a range of at most 31 days; teams of the caller's area (a volunteer: their own teams). */
export const DutyQuery = Type.Object(
  { date: Type.Optional(DateOnly), from: Type.Optional(DateOnly), to: Type.Optional(DateOnly), regionCode: Type.Optional(RegionCodeSchema), teamId: Type.Optional(UuidSchema) },
  { additionalProperties: false },
)
export const DutySchema = Type.Object({
  date: Type.String(),
  teamId: UuidSchema,
  teamName: Type.String(),
  teamKind: Type.Enum(TEAM_KINDS),
  start: Type.String(),
  end: Type.String(),
  place: Type.String(),
  userId: Nullable(UuidSchema),
  userName: Nullable(Type.String()),
  note: Type.String(),
  slotId: Nullable(UuidSchema),
  exceptionId: Nullable(UuidSchema),
})
export type Duty = Type.Static<typeof DutySchema>
export const DutyListSchema = Type.Object({ from: Type.String(), to: Type.String(), items: Type.Array(DutySchema) })
export type DutyList = Type.Static<typeof DutyListSchema>
