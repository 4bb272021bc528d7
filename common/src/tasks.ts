import Type from 'typebox'
import { IsoDateTime, Name, Nullable, pagingFields, RegionCodeSchema, UuidSchema } from './schemas.ts'

/**
 * 先锋任务 (issue 15). States: `open` (slots left) → `full` (every slot claimed; a withdrawal reopens it) →
 * `in_progress` (the first check-in) → `done` (the publisher confirmed: hours and points credited);
 * `cancelled` by the publisher before it is done. `open`/`full` are derived from claimed vs slots in the same
 * UPDATE that takes a slot, so they never disagree.
 */
export const TASK_STATES = ['open', 'full', 'in_progress', 'done', 'cancelled'] as const
export type TaskState = (typeof TASK_STATES)[number]
/** Who may claim: any volunteer, party members (居住地党员) or league members residing in the area; `team` is reserved (teams come later). */
export const TASK_AUDIENCES = ['any', 'party', 'youth', 'team'] as const
export type TaskAudience = (typeof TASK_AUDIENCES)[number]
/** A claim's own progress: claimed → checked_in → checked_out → finished → confirmed; withdrawn frees the slot. */
export const CLAIM_STATES = ['claimed', 'checked_in', 'checked_out', 'finished', 'confirmed', 'withdrawn'] as const
export type ClaimState = (typeof CLAIM_STATES)[number]

const Text = (maxLength: number) => Type.String({ maxLength })

export const CreateTaskBody = Type.Object(
  {
    title: Name(80),
    description: Type.Optional(Text(4000)),
    regionCode: RegionCodeSchema,
    place: Type.Optional(Text(200)),
    startsAt: IsoDateTime,
    endsAt: IsoDateTime,
    slots: Type.Integer({ minimum: 1, maximum: 10000 }),
    audience: Type.Enum(TASK_AUDIENCES),
    skills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 })),
    points: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    hours: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    caseId: Type.Optional(UuidSchema),
  },
  { additionalProperties: false },
)
export type CreateTask = Type.Static<typeof CreateTaskBody>

export const TaskSchema = Type.Object({
  id: UuidSchema,
  title: Type.String(),
  description: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  place: Nullable(Type.String()),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
  slots: Type.Integer(),
  claimed: Type.Integer(),
  remaining: Type.Integer(),
  audience: Type.Enum(TASK_AUDIENCES),
  skills: Type.Array(Type.String()),
  points: Type.Integer(),
  hours: Type.Number(),
  caseId: Nullable(UuidSchema),
  state: Type.Enum(TASK_STATES),
  publishedBy: UuidSchema,
  createdAt: IsoDateTime,
  /** The caller's own claim, if any. */
  myClaim: Nullable(Type.Enum(CLAIM_STATES)),
})
export type Task = Type.Static<typeof TaskSchema>

export const TaskListQuery = Type.Object({ regionCode: Type.Optional(RegionCodeSchema), state: Type.Optional(Type.Enum(TASK_STATES)), ...pagingFields(200, 50) }, { additionalProperties: false })
export const TaskListSchema = Type.Object({ items: Type.Array(TaskSchema), total: Type.Integer() })

export const ClaimSchema = Type.Object({
  taskId: UuidSchema,
  userId: UuidSchema,
  state: Type.Enum(CLAIM_STATES),
  claimedAt: IsoDateTime,
  checkinAt: Nullable(IsoDateTime),
  checkoutAt: Nullable(IsoDateTime),
  finishedAt: Nullable(IsoDateTime),
  report: Nullable(Type.String()),
  hours: Type.Number(),
  points: Type.Integer(),
  remaining: Type.Integer(),
})
export type Claim = Type.Static<typeof ClaimSchema>

const Lat = Type.Number({ minimum: -90, maximum: 90 })
const Lng = Type.Number({ minimum: -180, maximum: 180 })
export const CheckBody = Type.Object({ at: Type.Optional(IsoDateTime), lat: Type.Optional(Lat), lng: Type.Optional(Lng) }, { additionalProperties: false })
/** Text only for now: photos come with the task screens (the cases' upload store). */
export const FinishTaskBody = Type.Object({ report: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false })
export const ConfirmTaskBody = Type.Object({ userIds: Type.Optional(Type.Array(UuidSchema, { maxItems: 10000, uniqueItems: true })) }, { additionalProperties: false })
export const ConfirmResultSchema = Type.Object({ confirmed: Type.Integer(), state: Type.Enum(TASK_STATES) })

export const VolunteerRecordSchema = Type.Object({
  userId: UuidSchema,
  name: Type.String(),
  hours: Type.Number(),
  points: Type.Integer(),
  tasks: Type.Integer(),
  items: Type.Array(Type.Object({ taskId: UuidSchema, title: Type.String(), state: Type.Enum(CLAIM_STATES), hours: Type.Number(), points: Type.Integer(), confirmedAt: Nullable(IsoDateTime) })),
})
export type VolunteerRecord = Type.Static<typeof VolunteerRecordSchema>
