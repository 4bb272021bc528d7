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
/** Who may claim: any volunteer, party members (居住地党员) or league members residing in the area, or the members of one team (`teamId`). */
export const TASK_AUDIENCES = ['any', 'party', 'youth', 'team'] as const
export type TaskAudience = (typeof TASK_AUDIENCES)[number]
/** A claim's own progress: claimed → checked_in → checked_out → finished → confirmed; withdrawn frees the slot. */
export const CLAIM_STATES = ['claimed', 'checked_in', 'checked_out', 'finished', 'confirmed', 'withdrawn'] as const
export type ClaimState = (typeof CLAIM_STATES)[number]
/** A task, or a 微心愿 (wish): one slot, for a person of the archive, fulfilled with a photo. */
export const TASK_KINDS = ['task', 'wish'] as const
export type TaskKind = (typeof TASK_KINDS)[number]
/** Photos on one finish report, at most. */
export const TASK_PHOTOS_MAX = 9

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
    /** audience `team`: the team (of the task's area) whose members alone are notified and may claim. */
    teamId: Type.Optional(UuidSchema),
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
  teamId: Type.Optional(Nullable(UuidSchema)),
  state: Type.Enum(TASK_STATES),
  publishedBy: UuidSchema,
  createdAt: IsoDateTime,
  /** The caller's own claim, if any. */
  myClaim: Nullable(Type.Enum(CLAIM_STATES)),
  kind: Type.Enum(TASK_KINDS),
  /** A wish's person, as the public may read it: the name masked (王**), the archive's tags; never ID or phone. */
  beneficiary: Nullable(Type.Object({ name: Type.String(), tags: Type.Array(Type.String()) })),
  cancelReason: Nullable(Type.String()),
})
export type Task = Type.Static<typeof TaskSchema>

export const TaskListQuery = Type.Object(
  { regionCode: Type.Optional(RegionCodeSchema), state: Type.Optional(Type.Enum(TASK_STATES)), kind: Type.Optional(Type.Enum(TASK_KINDS)), ...pagingFields(200, 50) },
  { additionalProperties: false },
)
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
/** The finish report: text, and photos uploaded first (POST /api/tasks/:id/photos) by the claimer. */
export const FinishTaskBody = Type.Object(
  { report: Type.String({ minLength: 1, maxLength: 4000 }), photoIds: Type.Optional(Type.Array(UuidSchema, { maxItems: TASK_PHOTOS_MAX, uniqueItems: true })) },
  { additionalProperties: false },
)
export const CancelTaskBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false })

/** A photo of a finish report (the image at `url`, readable by whoever may read the claim). */
export const TaskPhotoSchema = Type.Object({ id: UuidSchema, url: Type.String() })
export type TaskPhoto = Type.Static<typeof TaskPhotoSchema>

/** One claimer as the publisher sees them (a volunteer sees only their own): phone masked, times and places, report, photos. */
export const TaskClaimantSchema = Type.Object({
  userId: UuidSchema,
  name: Type.String(),
  phone: Type.String(),
  state: Type.Enum(CLAIM_STATES),
  claimedAt: IsoDateTime,
  checkinAt: Nullable(IsoDateTime),
  checkinPlace: Nullable(Type.Object({ lat: Type.Number(), lng: Type.Number() })),
  checkoutAt: Nullable(IsoDateTime),
  checkoutPlace: Nullable(Type.Object({ lat: Type.Number(), lng: Type.Number() })),
  finishedAt: Nullable(IsoDateTime),
  report: Nullable(Type.String()),
  photos: Type.Array(TaskPhotoSchema),
  confirmedAt: Nullable(IsoDateTime),
  hours: Type.Number(),
  points: Type.Integer(),
})
export type TaskClaimant = Type.Static<typeof TaskClaimantSchema>
export const TaskClaimsSchema = Type.Object({ items: Type.Array(TaskClaimantSchema) })

/**
 * 微心愿: a cadre records what a person of their area wishes and why; it is published as a one-slot task of
 * kind `wish`. The window defaults to claims for three days, done within fourteen.
 */
export const CreateWishBody = Type.Object(
  {
    personId: UuidSchema,
    wish: Name(80),
    reason: Type.Optional(Text(2000)),
    place: Type.Optional(Text(200)),
    startsAt: Type.Optional(IsoDateTime),
    endsAt: Type.Optional(IsoDateTime),
    points: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    hours: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
)
export type CreateWish = Type.Static<typeof CreateWishBody>
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
