import Type from 'typebox'
import { Name, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'
import { DateOnly } from './teams.ts'

/**
 * 契约化共建 (issue 16): a partner unit (partner / department / enterprise) and a community sign a pact of resources
 * and services both ways. States only in order: 谈约 negotiating (items drafted) → 签约 signed (date, signatories) →
 * 亮约 published (on the board) → 履约 fulfilling (a log of what was done, each entry linkable to a case or task) →
 * 评约 rated (the community's year-end score and comment). Every state change writes a pact_events row.
 */
export const PACT_STATES = ['negotiating', 'signed', 'published', 'fulfilling', 'rated'] as const
export type PactState = (typeof PACT_STATES)[number]
export const PACT_STATE_LABELS_ZH: Record<PactState, string> = { negotiating: '谈约', signed: '签约', published: '亮约', fulfilling: '履约', rated: '评约' }
/** The actions, each allowed from exactly one state. */
export const PACT_ACTIONS = { sign: 'negotiating', publish: 'signed', fulfil: 'published', rate: 'fulfilling' } as const satisfies Record<string, PactState>
export type PactAction = keyof typeof PACT_ACTIONS
export const PACT_RESOURCES = ['venue', 'funds', 'medical', 'volunteer', 'education', 'legal', 'employment', 'culture', 'other'] as const
export const PACT_RESOURCE_LABELS_ZH: Record<(typeof PACT_RESOURCES)[number], string> = {
  venue: '场地',
  funds: '资金',
  medical: '医疗',
  volunteer: '志愿服务',
  education: '教育',
  legal: '法律',
  employment: '就业',
  culture: '文化',
  other: '其他',
}
/** unit_to_community: the unit offers it to the community; community_to_unit: the other way. */
export const PACT_DIRECTIONS = ['unit_to_community', 'community_to_unit'] as const
export const PARTNER_UNIT_KINDS = ['partner', 'department', 'enterprise'] as const

const Text = (maxLength: number) => Type.String({ maxLength })

export const PactItemBody = Type.Object({ direction: Type.Enum(PACT_DIRECTIONS), resource: Type.Enum(PACT_RESOURCES), content: Name(500) }, { additionalProperties: false })
export type PactItemInput = Type.Static<typeof PactItemBody>
export const CreatePactBody = Type.Object(
  {
    title: Name(120),
    partnerUnitId: UuidSchema,
    regionCode: RegionCodeSchema,
    year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    items: Type.Optional(Type.Array(PactItemBody, { maxItems: 100 })),
  },
  { additionalProperties: false },
)
export type CreatePact = Type.Static<typeof CreatePactBody>
export const SignPactBody = Type.Object({ signedOn: DateOnly, signatories: Name(300) }, { additionalProperties: false })
export const RatePactBody = Type.Object({ score: Type.Integer({ minimum: 0, maximum: 100 }), comment: Name(2000) }, { additionalProperties: false })
export const PactNoteBody = Type.Object({ note: Type.Optional(Text(500)) }, { additionalProperties: false })
export const PactLogBody = Type.Object(
  {
    doneOn: DateOnly,
    content: Name(2000),
    itemId: Type.Optional(Nullable(UuidSchema)),
    caseId: Type.Optional(Nullable(UuidSchema)),
    taskId: Type.Optional(Nullable(UuidSchema)),
  },
  { additionalProperties: false },
)
export type PactLogInput = Type.Static<typeof PactLogBody>
export const PactItemParams = Type.Object({ id: UuidSchema, itemId: UuidSchema })
export const PactListQuery = Type.Object(
  {
    regionCode: Type.Optional(RegionCodeSchema),
    state: Type.Optional(Type.Enum(PACT_STATES)),
    /** 亮约 board: only published, fulfilling and rated pacts. */
    board: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export const PactItemSchema = Type.Object({ id: UuidSchema, direction: Type.Enum(PACT_DIRECTIONS), resource: Type.Enum(PACT_RESOURCES), content: Type.String() })
export const PactLogSchema = Type.Object({
  id: UuidSchema,
  doneOn: Type.String(),
  content: Type.String(),
  itemId: Nullable(UuidSchema),
  caseId: Nullable(UuidSchema),
  caseNumber: Nullable(Type.String()),
  caseState: Nullable(Type.String()),
  taskId: Nullable(UuidSchema),
  taskTitle: Nullable(Type.String()),
  taskState: Nullable(Type.String()),
  createdByName: Type.String(),
})
export const PactEventSchema = Type.Object({
  action: Type.String(),
  from: Nullable(Type.String()),
  to: Type.String(),
  actorName: Nullable(Type.String()),
  at: Type.String(),
  note: Nullable(Type.String()),
})
const PactFields = {
  id: UuidSchema,
  title: Type.String(),
  partnerUnitId: UuidSchema,
  partnerUnitName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  year: Type.Integer(),
  state: Type.Enum(PACT_STATES),
  signedOn: Nullable(Type.String()),
  signatories: Type.String(),
  publishedAt: Nullable(Type.String()),
  ratingScore: Nullable(Type.Integer()),
  ratingComment: Nullable(Type.String()),
}
export const PactSummarySchema = Type.Object({ ...PactFields, items: Type.Integer(), logs: Type.Integer() })
export const PactListSchema = Type.Object({ items: Type.Array(PactSummarySchema), total: Type.Integer() })
export const PactSchema = Type.Object({
  ...PactFields,
  items: Type.Array(PactItemSchema),
  logs: Type.Array(PactLogSchema),
  events: Type.Array(PactEventSchema),
  canWrite: Type.Boolean(),
})
export type Pact = Type.Static<typeof PactSchema>

/** Units a pact may be signed with (partner / department / enterprise) in the caller's area or above it. */
export const PactPartnersSchema = Type.Object({ items: Type.Array(Type.Object({ id: UuidSchema, name: Type.String(), kind: Type.String(), regionName: Type.String() })) })

/**
 * The public 亮约 board of a village or community (no account): its published pacts with the items both ways, what
 * was done (dates and words only, no staff names) and the year-end rating.
 */
export const PublicPactBoardSchema = Type.Object({
  region: Type.Object({ code: Type.String(), name: Type.String(), town: Nullable(Type.String()) }),
  items: Type.Array(
    Type.Object({
      id: UuidSchema,
      title: Type.String(),
      partnerUnitName: Type.String(),
      year: Type.Integer(),
      state: Type.Enum(PACT_STATES),
      signedOn: Nullable(Type.String()),
      signatories: Type.String(),
      publishedAt: Nullable(Type.String()),
      items: Type.Array(Type.Object({ direction: Type.Enum(PACT_DIRECTIONS), resource: Type.Enum(PACT_RESOURCES), content: Type.String() })),
      logs: Type.Array(Type.Object({ doneOn: Type.String(), content: Type.String(), done: Nullable(Type.Boolean()) })),
      ratingScore: Nullable(Type.Integer()),
      ratingComment: Nullable(Type.String()),
    }),
  ),
})
export type PublicPactBoard = Type.Static<typeof PublicPactBoardSchema>
