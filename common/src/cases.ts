import Type from 'typebox'
import { IsoDateTime, Name, Nullable, pagingFields, RegionCodeSchema, UuidSchema } from './schemas.ts'

import { CASE_CHANNELS, CASE_LEVELS, CASE_QUEUES, CASE_STATES, CASE_URGENCIES, PUBLIC_STAGES, RATINGS, SUPERVISION_LEVELS } from './case-enums.ts'

const LevelSchema = Type.Enum(CASE_LEVELS)

export const CategorySchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  parentCode: Nullable(Type.String()),
  defaultLevel: LevelSchema,
  defaultUnitId: Nullable(UuidSchema),
  /** Working days per urgency; emergency in hours. */
  limits: Type.Object({ normalDays: Type.Integer(), urgentDays: Type.Integer(), emergencyHours: Type.Integer() }),
  keywords: Type.Array(Type.String()),
  active: Type.Boolean(),
})
export type Category = Type.Static<typeof CategorySchema>
export const CreateCategoryBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_.]{1,40}$' }),
    name: Name(40),
    parentCode: Type.Optional(Nullable(Type.String())),
    defaultLevel: LevelSchema,
    defaultUnitId: Type.Optional(Nullable(UuidSchema)),
    limits: Type.Object(
      { normalDays: Type.Integer({ minimum: 1, maximum: 60 }), urgentDays: Type.Integer({ minimum: 1, maximum: 30 }), emergencyHours: Type.Integer({ minimum: 1, maximum: 72 }) },
      { additionalProperties: false },
    ),
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 50 })),
  },
  { additionalProperties: false },
)
export const UpdateCategoryBody = Type.Partial(Type.Omit(CreateCategoryBody, ['code']), { additionalProperties: false, minProperties: 1 })

export const RoutingRuleSchema = Type.Object({
  id: Type.Integer(),
  categoryCode: Type.String(),
  regionCode: Type.String(),
  level: LevelSchema,
  unitId: Nullable(UuidSchema),
  unitName: Nullable(Type.String()),
})
export const CreateRoutingRuleBody = Type.Object(
  { categoryCode: Type.String(), regionCode: RegionCodeSchema, level: LevelSchema, unitId: Type.Optional(Nullable(UuidSchema)) },
  { additionalProperties: false },
)

export const CaseEventSchema = Type.Object({
  id: Type.String(),
  action: Type.String(),
  actor: Nullable(Type.Object({ id: UuidSchema, name: Type.String() })),
  at: IsoDateTime,
  fromState: Nullable(Type.String()),
  toState: Nullable(Type.String()),
  note: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
})
export type CaseEvent = Type.Static<typeof CaseEventSchema>

export const CaseSchema = Type.Object({
  id: UuidSchema,
  number: Type.String(),
  channel: Type.Enum(CASE_CHANNELS),
  state: Type.Enum(CASE_STATES),
  level: LevelSchema,
  regionCode: Type.String(),
  regionName: Type.String(),
  /** The case's region and its ancestors from the county down (screens show it from the viewer's level). */
  regionPath: Type.Optional(Type.Array(Type.Object({ code: Type.String(), name: Type.String() }))),
  category: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  urgency: Type.Enum(CASE_URGENCIES),
  title: Type.String(),
  description: Type.String(),
  reporter: Type.Object({
    kind: Type.Enum(['person', 'named', 'anonymous', 'user'] as const),
    name: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    personId: Nullable(UuidSchema),
  }),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  unit: Nullable(Type.Object({ id: UuidSchema, name: Type.String() })),
  handler: Nullable(Type.Object({ id: UuidSchema, name: Type.String() })),
  suggestedUnit: Nullable(Type.Object({ id: UuidSchema, name: Type.String(), level: LevelSchema })),
  dueAt: Nullable(IsoDateTime),
  warnAt: Nullable(IsoDateTime),
  warned: Type.Boolean(),
  overdue: Type.Boolean(),
  paused: Type.Boolean(),
  extensionDays: Type.Integer(),
  supervision: Nullable(Type.Enum(SUPERVISION_LEVELS)),
  claimedBy: Nullable(Type.Object({ id: UuidSchema, name: Type.String() })),
  mergedInto: Nullable(UuidSchema),
  rating: Nullable(Type.Enum(RATINGS)),
  reopenCount: Type.Integer(),
  diaryEntryId: Nullable(UuidSchema),
  /** Another platform's identity of an imported or pushed case. */
  source: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
  address: Nullable(Type.String()),
  ratingComment: Nullable(Type.String()),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  closedAt: Nullable(IsoDateTime),
})
export type Case = Type.Static<typeof CaseSchema>
/** A photo (or document) on a case; `eventId` is the timeline row it came with. */
export const CaseFileSchema = Type.Object({
  id: UuidSchema,
  eventId: Nullable(Type.String()),
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
  createdAt: IsoDateTime,
})
export type CaseFile = Type.Static<typeof CaseFileSchema>
export const CaseDetailSchema = Type.Object({
  ...CaseSchema.properties,
  events: Type.Array(CaseEventSchema),
  files: Type.Array(CaseFileSchema),
  allowedActions: Type.Array(Type.String()),
  /**
   * The code the reporter tracks and rates the case with (/t/<code>), for cases whose reporter left a phone: the
   * hotline operator reads it to the caller. Null otherwise.
   */
  trackingCode: Nullable(Type.String()),
})
export type CaseDetail = Type.Static<typeof CaseDetailSchema>

export const CreateCaseBody = Type.Object(
  {
    channel: Type.Optional(Type.Enum(CASE_CHANNELS)),
    regionCode: RegionCodeSchema,
    // Not empty: '' slipped past the service's unknown-category check and failed as a 500 (found by the fuzz).
    categoryCode: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    urgency: Type.Optional(Type.Enum(CASE_URGENCIES)),
    title: Name(100),
    description: Type.String({ minLength: 1, maxLength: 5000 }),
    reporter: Type.Optional(
      Type.Object(
        {
          personId: Type.Optional(Nullable(UuidSchema)),
          name: Type.Optional(Nullable(Name(40))),
          phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
          anonymous: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
    lng: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    /** Where, in words (a hotline caller's 地点). */
    address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    /** Raise the case from a diary entry's concern (一键转事项). */
    diaryConcernId: Type.Optional(UuidSchema),
    /** Idempotent intake from phones and other systems. */
    clientId: Type.Optional(Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
)
export type CreateCase = Type.Static<typeof CreateCaseBody>

export const CaseListQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(CASE_STATES)),
    queue: Type.Optional(Type.Enum(CASE_QUEUES)),
    regionCode: Type.Optional(RegionCodeSchema),
    categoryCode: Type.Optional(Type.String({ maxLength: 60 })),
    overdue: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    ...pagingFields(200, 50),
  },
  { additionalProperties: false },
)
export const CaseListSchema = Type.Object({ items: Type.Array(CaseSchema), total: Type.Integer() })

// The action bodies (ACTION_BODIES) live with the lifecycle table in case-lifecycle.ts.

export const NotificationSchema = Type.Object({
  id: UuidSchema,
  kind: Type.String(),
  title: Type.String(),
  body: Nullable(Type.String()),
  caseId: Nullable(UuidSchema),
  /** A notice about a 先锋任务 (the phone opens /m/tasks/:id). */
  taskId: Type.Optional(Nullable(UuidSchema)),
  readAt: Nullable(IsoDateTime),
  createdAt: IsoDateTime,
})
export type Notification = Type.Static<typeof NotificationSchema>

/**
 * What a resident sees of their case by its tracking code: progress in plain words, the answer, and whether
 * they can rate it — no staff names, no other person's data.
 */
export const PublicCaseViewSchema = Type.Object({
  number: Type.String(),
  trackingCode: Type.String(),
  title: Type.String(),
  description: Type.String(),
  regionName: Type.String(),
  category: Nullable(Type.String()),
  stage: Type.Enum(PUBLIC_STAGES),
  createdAt: IsoDateTime,
  /** The answer, with its result photos (处理后照片) under public URLs that serve only these photos. */
  reply: Nullable(Type.Object({ text: Type.String(), at: IsoDateTime, photos: Type.Array(Type.Object({ id: UuidSchema, url: Type.String() })) })),
  /** The rating of the current answer (null until it is rated, and again after 不满意 sent the case back to work). */
  rating: Nullable(Type.Enum(RATINGS)),
  ratingComment: Nullable(Type.String()),
  /** The resident's last rating of an earlier answer, when the current one is not rated (不满意 — 已重新办理). */
  previousRating: Nullable(Type.Object({ rating: Type.Enum(RATINGS), comment: Nullable(Type.String()), at: IsoDateTime })),
  canRate: Type.Boolean(),
  steps: Type.Array(Type.Object({ action: Type.String(), at: IsoDateTime, text: Nullable(Type.String()), unit: Nullable(Type.String()) })),
})
export type PublicCaseView = Type.Static<typeof PublicCaseViewSchema>
export const PublicRatingBody = Type.Object({ rating: Type.Enum(RATINGS), comment: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false })
