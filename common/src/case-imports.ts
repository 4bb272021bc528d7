import Type from 'typebox'
import { CASE_IMPORT_FIELDS, CASE_SOURCE_CHANNELS, EXTERNAL_STATES, PUSH_MAX_ITEMS, SIMILAR_MAX } from './case-import-enums.ts'
import { CASE_STATES, CASE_URGENCIES } from './case-enums.ts'
import { IsoDateTime, Name, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'

// Cases from other platforms (12345 热线, 浙里兴村治社, 民呼我为…): their sources and column mappings, the push
// API, similar open cases on the way in, and the caller lookup of the hotline form.

const FieldSchema = Type.Enum(CASE_IMPORT_FIELDS)
const SourceCode = Type.String({ pattern: '^[a-z0-9_-]{2,40}$', description: 'short code of the platform, e.g. 12345' })
/** Our field → the column header of the platform's export. */
const MappingSchema = Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 60 }), { description: 'our field → the column header in their export' })
/** Their status text → the state of a case they already finished. */
const StatusMapSchema = Type.Record(Type.String(), Type.Enum(EXTERNAL_STATES), { description: 'their status text → closed / replied / rejected' })

// ---- sources ------------------------------------------------------------------------------
export const CaseSourceSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  channel: Type.Enum(CASE_SOURCE_CHANNELS),
  mapping: Type.Record(Type.String(), Type.String()),
  statusMap: Type.Record(Type.String(), Type.String()),
  /** Rows without a region land here (must still lie in the importer's area). */
  regionCode: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
})
export type CaseSource = Type.Static<typeof CaseSourceSchema>
export const CaseSourceListSchema = Type.Array(CaseSourceSchema)
export const CaseSourceParams = Type.Object({ code: SourceCode })

export const CreateCaseSourceBody = Type.Object(
  {
    code: SourceCode,
    name: Name(60),
    channel: Type.Optional(Type.Enum(CASE_SOURCE_CHANNELS)),
    mapping: Type.Optional(MappingSchema),
    statusMap: Type.Optional(StatusMapSchema),
    regionCode: Type.Optional(Nullable(RegionCodeSchema)),
  },
  { additionalProperties: false },
)
export type CreateCaseSource = Type.Static<typeof CreateCaseSourceBody>
export const UpdateCaseSourceBody = Type.Object(
  {
    name: Type.Optional(Name(60)),
    channel: Type.Optional(Type.Enum(CASE_SOURCE_CHANNELS)),
    mapping: Type.Optional(MappingSchema),
    statusMap: Type.Optional(StatusMapSchema),
    regionCode: Type.Optional(Nullable(RegionCodeSchema)),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateCaseSource = Type.Static<typeof UpdateCaseSourceBody>

/** A file's header read against a source: which column each field would come from, and what is missing. */
export const CaseImportHeadersSchema = Type.Object({
  source: Type.String(),
  headers: Type.Array(Type.String()),
  /** Field → the header it is read from (only fields found in the file). */
  columns: Type.Record(Type.String(), Type.String()),
  /** Required fields the file does not have (the import would be refused). */
  missing: Type.Array(Type.String()),
  /** The first data rows, for the mapping screen. */
  sample: Type.Array(Type.Array(Type.String())),
})
export type CaseImportHeaders = Type.Static<typeof CaseImportHeadersSchema>

// ---- push API -------------------------------------------------------------------------------
/** One case as another platform pushes it, in our field names. */
export const PushCaseItemSchema = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 64 }),
    title: Type.Optional(Name(100)),
    description: Type.String({ minLength: 1, maxLength: 5000 }),
    regionCode: Type.Optional(RegionCodeSchema),
    categoryCode: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    urgency: Type.Optional(Type.Enum(CASE_URGENCIES)),
    createdAt: Type.Optional(IsoDateTime),
    reporterName: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    reporterPhone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
    lng: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    /** Their status text, read through the source's status map. */
    status: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  },
  { additionalProperties: false },
)
export type PushCaseItem = Type.Static<typeof PushCaseItemSchema>
/** One item, or up to PUSH_MAX_ITEMS of them (each item is checked on its own: one bad item fails alone). */
export const PushCasesBody = Type.Union([Type.Object({}, { additionalProperties: true }), Type.Array(Type.Unknown(), { minItems: 1, maxItems: PUSH_MAX_ITEMS })])

const ItemError = Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) })
export const PushCaseResultSchema = Type.Object({
  index: Type.Integer(),
  externalId: Nullable(Type.String()),
  ok: Type.Boolean(),
  caseId: Type.Optional(UuidSchema),
  number: Type.Optional(Type.String()),
  /** True when this push made the case; false when it was there (updated or unchanged). */
  created: Type.Optional(Type.Boolean()),
  updated: Type.Optional(Type.Boolean()),
  error: Type.Optional(ItemError),
})
export const PushCasesResponseSchema = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(PushCaseResultSchema),
})
export type PushCasesResponse = Type.Static<typeof PushCasesResponseSchema>

export const PushKeySchema = Type.Object({
  id: UuidSchema,
  name: Type.String(),
  source: Nullable(Type.String()),
  /** The first characters of the key, to tell keys apart (the key itself is never stored). */
  prefix: Type.String(),
  regionCode: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  createdAt: IsoDateTime,
  lastUsedAt: Nullable(IsoDateTime),
  revokedAt: Nullable(IsoDateTime),
})
export type PushKey = Type.Static<typeof PushKeySchema>
export const PushKeyCreatedSchema = Type.Object({ ...PushKeySchema.properties, apiKey: Type.String() })
export type PushKeyCreated = Type.Static<typeof PushKeyCreatedSchema>
export const PushKeyListSchema = Type.Array(PushKeySchema)
export const CreatePushKeyBody = Type.Object(
  {
    name: Name(80),
    source: SourceCode,
    /** Pushed cases must lie in this region's subtree; default: the admin's own region. */
    regionCode: Type.Optional(RegionCodeSchema),
  },
  { additionalProperties: false },
)

// ---- similar open cases ---------------------------------------------------------------------
export const SimilarCasesQuery = Type.Object(
  {
    regionCode: RegionCodeSchema,
    text: Type.String({ minLength: 1, maxLength: 5000 }),
    excludeId: Type.Optional(UuidSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SIMILAR_MAX, default: 5 })),
  },
  { additionalProperties: false },
)
export const SimilarCaseSchema = Type.Object({
  id: UuidSchema,
  number: Type.String(),
  title: Type.String(),
  state: Type.Enum(CASE_STATES),
  regionCode: Type.String(),
  regionName: Type.String(),
  createdAt: IsoDateTime,
  /** 0…1, higher is more alike. */
  score: Type.Number(),
  /** What the caller may do with this case (merge among them when it is theirs to dispatch). */
  allowedActions: Type.Array(Type.String()),
})
export type SimilarCase = Type.Static<typeof SimilarCaseSchema>
export const SimilarCaseListSchema = Type.Object({ items: Type.Array(SimilarCaseSchema) })

// ---- caller lookup (hotline / walk-in form) ---------------------------------------------------
export const PersonLookupQuery = Type.Object({ phone: Type.String({ minLength: 7, maxLength: 20 }) }, { additionalProperties: false })
export const PersonLookupItemSchema = Type.Object({
  id: UuidSchema,
  name: Type.String(),
  /** Masked (138****0000). */
  phone: Nullable(Type.String()),
  gender: Nullable(Type.String()),
  age: Nullable(Type.Integer()),
  relation: Nullable(Type.String()),
  householdId: Nullable(UuidSchema),
  address: Nullable(Type.String()),
  regionCode: Type.String(),
  regionName: Type.String(),
  /** How the phone matched: the person's own, or their household's contact phone. */
  matchedBy: Type.Enum(['person', 'household'] as const),
})
export type PersonLookupItem = Type.Static<typeof PersonLookupItemSchema>
export const PersonLookupSchema = Type.Object({ items: Type.Array(PersonLookupItemSchema) })

export const CaseImportFieldSchema = FieldSchema
