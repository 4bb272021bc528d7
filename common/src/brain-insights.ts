import Type, { type Static } from 'typebox'
import { IsoDateTime, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'

// 民情大脑 (issue 14): hot words (热词) and alerts (共性问题, 苗头隐患) — the insights the cockpit and the console show.

/** Sources a hot-word query may be narrowed to: a case's channel, or `diary` for diary entries. */
export const HOTWORD_SOURCES = ['diary', 'qr', 'hotline', 'open311', 'import', 'platform', 'volunteer', 'console', 'mobile'] as const

/** GET /api/brain/hotwords: the words of a window of days (today and the days before it, Asia/Shanghai). */
export const HotwordsQuery = Type.Object(
  {
    /** Default: the caller's own region. */
    regionCode: Type.Optional(RegionCodeSchema),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
    /** A case channel or `diary`; default all sources. */
    source: Type.Optional(Type.String({ pattern: '^[a-z0-9_]{1,32}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    /** `count` (default): the most frequent words; `rising`: the words that rose most, by `trend`. */
    order: Type.Optional(Type.Union([Type.Literal('count'), Type.Literal('rising')])),
  },
  { additionalProperties: false },
)
export type HotwordsQueryT = Static<typeof HotwordsQuery>

export const HotwordSchema = Type.Object({
  word: Type.String(),
  /** Texts in the window containing the word (a word counts once per text). */
  count: Type.Integer(),
  /** count − the count of the previous window of the same length. */
  rise: Type.Integer(),
  /** The count of the previous window. */
  previous: Type.Integer(),
  /** Not seen at all in the previous window. */
  isNew: Type.Boolean(),
  /**
   * The rise in its own noise: (count − expected) / √(count + expected + 1), where expected is the previous count
   * scaled by the two windows' numbers of texts. 0 → 15 scores 3.75, 500 → 520 (same volume) 0.63.
   */
  trend: Type.Number(),
})
export type Hotword = Static<typeof HotwordSchema>
export const HotwordListSchema = Type.Array(HotwordSchema)

/** GET /api/brain/hotwords/:word/docs: the cases and diary entries of the window containing the word. */
export const HotwordParams = Type.Object({ word: Type.String({ minLength: 1, maxLength: 40 }) })
export const HotwordDocsQuery = Type.Object(
  {
    regionCode: Type.Optional(RegionCodeSchema),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
)
export const HotwordDocSchema = Type.Object({
  kind: Type.Union([Type.Literal('case'), Type.Literal('diary')]),
  id: UuidSchema,
  /** Case number (MQ-…) for a case; null for a diary entry. */
  caseNo: Nullable(Type.String()),
  title: Type.String(),
  regionName: Type.String(),
  at: IsoDateTime,
  /** Web path that opens it. */
  link: Type.String(),
})
export type HotwordDoc = Static<typeof HotwordDocSchema>
export const HotwordDocListSchema = Type.Object({ word: Type.String(), items: Type.Array(HotwordDocSchema) })
export type HotwordDocList = Static<typeof HotwordDocListSchema>

export const ALERT_KINDS = ['common_issue', 'spike'] as const
export type AlertKind = (typeof ALERT_KINDS)[number]
export const ALERT_STATES = ['new', 'acknowledged', 'handled'] as const
export type AlertState = (typeof ALERT_STATES)[number]

export const AlertsQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum(ALERT_STATES)),
    kind: Type.Optional(Type.Enum(ALERT_KINDS)),
    regionCode: Type.Optional(RegionCodeSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
)
export type AlertsQueryT = Static<typeof AlertsQuery>

const Who = Nullable(Type.Object({ userId: UuidSchema, name: Type.String() }))
export const AlertLinkSchema = Type.Object({
  kind: Type.Union([Type.Literal('case'), Type.Literal('diary')]),
  id: UuidSchema,
  title: Type.String(),
  caseNo: Nullable(Type.String()),
  link: Type.String(),
})
export const AlertSchema = Type.Object({
  id: UuidSchema,
  kind: Type.Enum(ALERT_KINDS),
  key: Type.String(),
  title: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  state: Type.Enum(ALERT_STATES),
  owner: Who,
  details: Type.Record(Type.String(), Type.Unknown()),
  firstSeen: IsoDateTime,
  lastSeen: IsoDateTime,
  acknowledged: Nullable(Type.Object({ userId: UuidSchema, name: Type.String(), at: IsoDateTime })),
  handled: Nullable(Type.Object({ userId: UuidSchema, name: Type.String(), at: IsoDateTime, note: Type.String() })),
  /** Linked cases and diary entries (the first 50, newest first) and how many there are in all. */
  links: Type.Array(AlertLinkSchema),
  linkCount: Type.Integer(),
})
export type Alert = Static<typeof AlertSchema>
export const AlertListSchema = Type.Object({ items: Type.Array(AlertSchema), newCount: Type.Integer() })
export type AlertList = Static<typeof AlertListSchema>
export const AlertParams = Type.Object({ id: UuidSchema })
export const AlertHandleBody = Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false })
export const AlertAssignBody = Type.Object({ userId: UuidSchema }, { additionalProperties: false })
