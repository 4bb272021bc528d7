import Type from 'typebox'
import { IsoDateTime, Name, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'

import { DIARY_KINDS, MOODS, REVIEW_MARKS, URGENCIES, VISIT_PERIODS, VISIT_RULE_MEASURES } from './diary-enums.ts'

export const DiaryConcernSchema = Type.Object({
  id: UuidSchema,
  text: Type.String(),
  /** Set once the concern has been turned into a case (the cases module). */
  caseId: Nullable(UuidSchema),
})

export const DiaryPhotoSchema = Type.Object({ id: UuidSchema, url: Type.String(), size: Type.Integer(), contentType: Type.String() })

export const DiaryCommentSchema = Type.Object({
  id: UuidSchema,
  authorId: UuidSchema,
  authorName: Type.String(),
  text: Type.String(),
  createdAt: IsoDateTime,
})

export const DiaryEntrySchema = Type.Object({
  id: UuidSchema,
  clientId: Type.String(),
  kind: Type.Enum(DIARY_KINDS),
  author: Type.Object({ id: UuidSchema, name: Type.String() }),
  regionCode: Type.String(),
  regionName: Type.String(),
  household: Nullable(Type.Object({ id: UuidSchema, address: Type.String() })),
  person: Nullable(Type.Object({ id: UuidSchema, name: Type.String() })),
  enterprise: Nullable(Type.Object({ id: UuidSchema, name: Type.String() })),
  occurredAt: IsoDateTime,
  text: Type.String(),
  mood: Nullable(Type.Enum(MOODS)),
  urgency: Type.Enum(URGENCIES),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  locationSource: Type.Enum(['device', 'household', 'enterprise', 'none'] as const),
  concerns: Type.Array(DiaryConcernSchema),
  photos: Type.Array(DiaryPhotoSchema),
  comments: Type.Array(DiaryCommentSchema),
  review: Type.Enum(REVIEW_MARKS),
  reviewedBy: Nullable(Type.Object({ id: UuidSchema, name: Type.String() })),
  createdAt: IsoDateTime,
})
export type DiaryEntry = Type.Static<typeof DiaryEntrySchema>

export const CreateDiaryBody = Type.Object(
  {
    /** Generated on the phone; sending the same entry again (offline resend) stores it once. */
    clientId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    kind: Type.Enum(DIARY_KINDS),
    /** Where the entry belongs; defaults to the household's or enterprise's region, else the author's. */
    regionCode: Type.Optional(RegionCodeSchema),
    householdId: Type.Optional(Nullable(UuidSchema)),
    personId: Type.Optional(Nullable(UuidSchema)),
    enterpriseId: Type.Optional(Nullable(UuidSchema)),
    occurredAt: Type.Optional(IsoDateTime),
    text: Type.String({ minLength: 1, maxLength: 5000 }),
    mood: Type.Optional(Nullable(Type.Enum(MOODS))),
    urgency: Type.Optional(Type.Enum(URGENCIES)),
    lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
    lng: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    concerns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
)
export type CreateDiary = Type.Static<typeof CreateDiaryBody>

export const DiaryListQuery = Type.Object(
  {
    regionCode: Type.Optional(RegionCodeSchema),
    kind: Type.Optional(Type.Enum(DIARY_KINDS)),
    authorId: Type.Optional(UuidSchema),
    householdId: Type.Optional(UuidSchema),
    enterpriseId: Type.Optional(UuidSchema),
    review: Type.Optional(Type.Enum(REVIEW_MARKS)),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    from: Type.Optional(IsoDateTime),
    to: Type.Optional(IsoDateTime),
    /** Cursor paging for the feed: entries created before this entry. */
    before: Type.Optional(UuidSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
)
export const DiaryListSchema = Type.Object({ items: Type.Array(DiaryEntrySchema), nextBefore: Nullable(UuidSchema) })

export const DiaryCommentBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false })
export const DiaryReviewBody = Type.Object({ review: Type.Enum(REVIEW_MARKS) }, { additionalProperties: false })

export const VisitRuleSchema = Type.Object({
  id: Type.Integer(),
  role: Type.String(),
  station: Nullable(Type.String()),
  measure: Type.Enum(VISIT_RULE_MEASURES),
  period: Type.Enum(VISIT_PERIODS),
  target: Type.Number(),
  description: Type.String(),
  active: Type.Boolean(),
})
export type VisitRule = Type.Static<typeof VisitRuleSchema>
export const UpdateVisitRuleBody = Type.Object(
  { target: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })), active: Type.Optional(Type.Boolean()), description: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false, minProperties: 1 },
)

export const ComplianceQuery = Type.Object(
  { regionCode: Type.Optional(RegionCodeSchema), period: Type.Optional(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' })) },
  { additionalProperties: false },
)

export const ComplianceSchema = Type.Object({
  period: Type.String(),
  regionCode: Type.String(),
  cadres: Type.Array(
    Type.Object({
      userId: UuidSchema,
      name: Type.String(),
      roles: Type.Array(Type.String()),
      regionCode: Type.String(),
      regionName: Type.String(),
      rules: Type.Array(
        Type.Object({
          ruleId: Type.Integer(),
          description: Type.String(),
          measure: Type.String(),
          period: Type.String(),
          periodStart: Type.String(),
          periodEnd: Type.String(),
          done: Type.Number(),
          required: Type.Number(),
          met: Type.Boolean(),
        }),
      ),
      behind: Type.Boolean(),
    }),
  ),
  villages: Type.Array(
    Type.Object({
      regionCode: Type.String(),
      regionName: Type.String(),
      households: Type.Integer(),
      visitedThisPeriod: Type.Integer(),
      /** ceil(8 % of the households): the stationed cadre's monthly minimum. */
      requiredThisPeriod: Type.Integer(),
      sharePercent: Type.Number(),
      visitedThisYear: Type.Integer(),
      neverVisitedThisYear: Type.Integer(),
    }),
  ),
})
export type Compliance = Type.Static<typeof ComplianceSchema>

export const VisitDaySchema = Type.Object({
  id: UuidSchema,
  regionCode: Type.String(),
  regionName: Type.String(),
  date: Type.String(),
  title: Type.String(),
  createdAt: IsoDateTime,
})
export const CreateVisitDayBody = Type.Object(
  { regionCode: RegionCodeSchema, date: Type.String({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), title: Type.Optional(Name(60)) },
  { additionalProperties: false },
)
