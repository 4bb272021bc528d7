import Type, { type Static } from 'typebox'
import { CASE_STATES } from './case-enums.ts'
import { IsoDateTime, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'

// 民情大脑 (issue 14): similar cases and diary entries county-wide, and 一类事 clusters — the same matter gathered
// across villages, towns and sources.

const DocKind = Type.Union([Type.Literal('case'), Type.Literal('diary')])

/** GET /api/cases/:id/similar */
export const CaseSimilarQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
    /** How far back to look (default 180 days). */
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 730, default: 180 })),
  },
  { additionalProperties: false },
)
export const SimilarItemSchema = Type.Object({
  kind: DocKind,
  id: UuidSchema,
  /** 0…1: IDF-weighted cosine over words, synonym concepts and characters. */
  score: Type.Number(),
  /** Case number for a case; null for a diary entry. */
  number: Nullable(Type.String()),
  /** A case's title, a diary entry's first words. */
  title: Type.String(),
  excerpt: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  regionPath: Type.String(),
  /** A case's state; null for a diary entry. */
  state: Nullable(Type.Enum(CASE_STATES)),
  at: IsoDateTime,
  /** Near-duplicate text at the same place (village), still open: a candidate to merge into (or from). */
  mergeSuggested: Type.Boolean(),
  /** The 一类事 it belongs to, if any. */
  clusterId: Nullable(UuidSchema),
})
export type SimilarItem = Static<typeof SimilarItemSchema>
export const SimilarItemListSchema = Type.Array(SimilarItemSchema)

/** GET /api/brain/clusters */
export const ClustersQuery = Type.Object(
  {
    /** Default: the caller's own region. */
    regionCode: Type.Optional(RegionCodeSchema),
    /** Clusters seen in the last `days` days (default 30). */
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
)
export const ClusterRegionSchema = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String(), count: Type.Integer() })
export const ClusterSummarySchema = Type.Object({
  id: UuidSchema,
  /** Its top keywords. */
  label: Type.String(),
  keywords: Type.Array(Type.String()),
  /** Texts in the cluster (all of them, county-wide). */
  size: Type.Integer(),
  /** Villages (or towns, for a town's own texts) where it was seen, with counts, most first. */
  regions: Type.Array(ClusterRegionSchema),
  villages: Type.Integer(),
  towns: Type.Integer(),
  sources: Type.Array(Type.Object({ source: Type.String(), count: Type.Integer() })),
  firstSeen: IsoDateTime,
  lastSeen: IsoDateTime,
  /** The 共性问题 alert it raised, if any. */
  alertId: Nullable(Type.String()),
})
export type ClusterSummary = Static<typeof ClusterSummarySchema>
export const ClusterListSchema = Type.Array(ClusterSummarySchema)

export const ClusterParams = Type.Object({ id: UuidSchema })
export const ClusterMemberSchema = Type.Object({
  kind: DocKind,
  id: UuidSchema,
  number: Nullable(Type.String()),
  title: Type.String(),
  excerpt: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  source: Type.String(),
  state: Nullable(Type.Enum(CASE_STATES)),
  at: IsoDateTime,
  score: Type.Number(),
  /** Latitude/longitude of a case when known (the map). */
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
})
export type ClusterMember = Static<typeof ClusterMemberSchema>
export const ClusterDetailSchema = Type.Object({
  ...ClusterSummarySchema.properties,
  /** Members the caller may see, newest first; `hidden` counts the others. */
  members: Type.Array(ClusterMemberSchema),
  hidden: Type.Integer(),
  /** Members per day (Asia/Shanghai), for the timeline. */
  perDay: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() })),
})
export type ClusterDetail = Static<typeof ClusterDetailSchema>
