import Type from 'typebox'
import { IsoDateTime, Name, Nullable, pagingFields, RegionCodeSchema, UuidSchema } from './schemas.ts'

import { ENTERPRISE_SIZES, GENDERS, TAG_TARGETS } from './archive-enums.ts'

export const GenderSchema = Type.Enum(GENDERS)
export const EnterpriseSizeSchema = Type.Enum(ENTERPRISE_SIZES)

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })
const DateOnly = Type.String({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' })
const Lat = Type.Number({ minimum: -90, maximum: 90 })
const Lng = Type.Number({ minimum: -180, maximum: 180 })
const TagRefs = Type.Array(Text(20), { maxItems: 30, uniqueItems: true, description: 'tag codes or names' })
const Paging = pagingFields(500, 50)
/** The filters of the person and household lists. */
const taggedListFilters = {
  regionCode: Type.Optional(RegionCodeSchema),
  /** One or more tag codes or names (`tag=a&tag=b`): rows carrying all of them. */
  tag: Type.Optional(Type.Array(Text(20), { minItems: 1, maxItems: 10 })),
  q: Type.Optional(Text(40)),
}

// ---- tags -------------------------------------------------------------------
export const TagSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  appliesTo: Type.Enum(TAG_TARGETS),
  color: Nullable(Type.String()),
  sort: Type.Integer(),
  builtin: Type.Boolean(),
})
export type Tag = Type.Static<typeof TagSchema>
export const CreateTagBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,31}$' }),
    name: Name(20),
    appliesTo: Type.Enum(TAG_TARGETS),
    color: Type.Optional(Nullable(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }))),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false },
)

// ---- persons ----------------------------------------------------------------
export const PersonSchema = Type.Object({
  id: UuidSchema,
  householdId: Nullable(UuidSchema),
  regionCode: Type.String(),
  regionName: Type.String(),
  name: Type.String(),
  gender: Nullable(GenderSchema),
  birthDate: Nullable(Type.String()),
  age: Nullable(Type.Integer()),
  /** Always masked (330683********1234); the full value needs archive.reveal. */
  idNumber: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  relation: Nullable(Type.String()),
  politicalStatus: Nullable(Type.String()),
  health: Nullable(Type.String()),
  childrenInCity: Nullable(Type.Boolean()),
  workplace: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  updatedAt: IsoDateTime,
})
export type Person = Type.Static<typeof PersonSchema>

const personFields = {
  name: Name(40),
  gender: Type.Optional(Nullable(GenderSchema)),
  birthDate: Type.Optional(Nullable(DateOnly)),
  idNumber: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  relation: Type.Optional(Nullable(Text(10))),
  politicalStatus: Type.Optional(Nullable(Text(10))),
  health: Type.Optional(Nullable(Text(100))),
  childrenInCity: Type.Optional(Nullable(Type.Boolean())),
  workplace: Type.Optional(Nullable(Text(100))),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  tags: Type.Optional(TagRefs),
}
export const CreatePersonBody = Type.Object(
  {
    /** The household the person belongs to; or a regionCode for a person not (yet) in a household. */
    householdId: Type.Optional(Nullable(UuidSchema)),
    regionCode: Type.Optional(RegionCodeSchema),
    ...personFields,
  },
  { additionalProperties: false },
)
export type CreatePerson = Type.Static<typeof CreatePersonBody>
export const UpdatePersonBody = Type.Object({ ...personFields, name: Type.Optional(Name(40)), householdId: Type.Optional(Nullable(UuidSchema)) }, { additionalProperties: false, minProperties: 1 })
export type UpdatePerson = Type.Static<typeof UpdatePersonBody>

export const PersonListQuery = Type.Object(
  {
    ...taggedListFilters,
    householdId: Type.Optional(UuidSchema),
    childrenInCity: Type.Optional(Type.Boolean()),
    ageMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
    ageMax: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
    ...Paging,
  },
  { additionalProperties: false },
)
export type PersonListParams = Type.Static<typeof PersonListQuery>
/**
 * POST /api/persons/search: the list's filters in a body, plus an exact ID number. ID numbers never travel in a
 * URL (it lands in access logs, proxies and browser history); `GET /api/persons?idNumber=` answers 400
 * ID_NUMBER_IN_URL.
 */
export const PersonSearchBody = Type.Object(
  {
    ...PersonListQuery.properties,
    /** Exact ID number: found through the keyed hash, the table is never decrypted. */
    idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  },
  { additionalProperties: false },
)
export type PersonSearch = Type.Static<typeof PersonSearchBody>
export const PersonListSchema = Type.Object({ items: Type.Array(PersonSchema), total: Type.Integer() })

export const RevealBody = Type.Object({ field: Type.Enum(['idNumber', 'phone'] as const) }, { additionalProperties: false })
export const RevealSchema = Type.Object({ field: Type.String(), value: Nullable(Type.String()) })

// ---- households -------------------------------------------------------------
export const HouseFactsSchema = Type.Object(
  {
    type: Type.Optional(Text(20)),
    floors: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    areaM2: Type.Optional(Type.Number({ minimum: 0, maximum: 100000 })),
    builtYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })),
    ownership: Type.Optional(Text(20)),
  },
  { additionalProperties: false },
)

export const HouseholdSchema = Type.Object({
  id: UuidSchema,
  regionCode: Type.String(),
  regionName: Type.String(),
  address: Type.String(),
  headName: Nullable(Type.String()),
  headPersonId: Nullable(UuidSchema),
  memberCount: Type.Integer(),
  phone: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  updatedAt: IsoDateTime,
})
export type Household = Type.Static<typeof HouseholdSchema>

export const DocumentSchema = Type.Object({
  id: UuidSchema,
  ownerType: Type.Enum(['household', 'person'] as const),
  ownerId: UuidSchema,
  kind: Type.String(),
  title: Type.String(),
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  createdAt: IsoDateTime,
  createdByName: Nullable(Type.String()),
  downloadUrl: Type.String(),
})
export type ArchiveDocument = Type.Static<typeof DocumentSchema>

/** 一事一表: what happened for a household, newest first, from every module that has rows for it. */
export const TimelineItemSchema = Type.Object({
  at: IsoDateTime,
  kind: Type.String({ description: 'archive.change, document, and later diary, case, task…' }),
  title: Type.String(),
  detail: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  ref: Nullable(Type.Object({ type: Type.String(), id: Type.String() })),
  /** A case's current state (kind `case`), for its label on the timeline. */
  state: Type.Optional(Type.String()),
})
export type TimelineItem = Type.Static<typeof TimelineItemSchema>

export const HouseholdDetailSchema = Type.Object({
  ...HouseholdSchema.properties,
  house: HouseFactsSchema,
  notes: Nullable(Type.String()),
  regionPath: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  members: Type.Array(PersonSchema),
  documents: Type.Array(DocumentSchema),
})
export type HouseholdDetail = Type.Static<typeof HouseholdDetailSchema>

const householdFields = {
  address: Text(200),
  phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  house: Type.Optional(HouseFactsSchema),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  tags: Type.Optional(TagRefs),
  lat: Type.Optional(Nullable(Lat)),
  lng: Type.Optional(Nullable(Lng)),
}
export const CreateHouseholdBody = Type.Object({ regionCode: RegionCodeSchema, ...householdFields }, { additionalProperties: false })
export type CreateHousehold = Type.Static<typeof CreateHouseholdBody>
export const UpdateHouseholdBody = Type.Object(
  { ...householdFields, address: Type.Optional(Text(200)), regionCode: Type.Optional(RegionCodeSchema), headPersonId: Type.Optional(Nullable(UuidSchema)) },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateHousehold = Type.Static<typeof UpdateHouseholdBody>

export const HouseholdListQuery = Type.Object(
  {
    ...taggedListFilters,
    /** Nearest first from this point (the mobile card on a visit). */
    nearLat: Type.Optional(Lat),
    nearLng: Type.Optional(Lng),
    ...Paging,
  },
  { additionalProperties: false },
)
export const HouseholdListSchema = Type.Object({ items: Type.Array(HouseholdSchema), total: Type.Integer() })

export const HistoryEntrySchema = Type.Object({
  id: Type.String(),
  entityType: Type.String(),
  entityId: UuidSchema,
  action: Type.String(),
  actorName: Nullable(Type.String()),
  at: IsoDateTime,
  changes: Type.Array(Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() })),
})
export type HistoryEntry = Type.Static<typeof HistoryEntrySchema>

// ---- enterprises and places -------------------------------------------------
export const EnterpriseSchema = Type.Object({
  id: UuidSchema,
  regionCode: Type.String(),
  regionName: Type.String(),
  name: Type.String(),
  creditCode: Type.String(),
  industry: Nullable(Type.String()),
  size: Nullable(EnterpriseSizeSchema),
  address: Nullable(Type.String()),
  contactName: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  cadre: Nullable(Type.Object({ id: UuidSchema, name: Type.String() })),
  team: Type.Array(Type.Object({ userId: UuidSchema, name: Type.String(), duty: Nullable(Type.String()) })),
  notes: Nullable(Type.String()),
  updatedAt: IsoDateTime,
})
export type Enterprise = Type.Static<typeof EnterpriseSchema>
const enterpriseFields = {
  regionCode: RegionCodeSchema,
  name: Name(100),
  creditCode: Type.String({ minLength: 18, maxLength: 18 }),
  industry: Type.Optional(Nullable(Text(40))),
  size: Type.Optional(Nullable(EnterpriseSizeSchema)),
  address: Type.Optional(Nullable(Text(200))),
  contactName: Type.Optional(Nullable(Name(40))),
  contactPhone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  cadreUserId: Type.Optional(Nullable(UuidSchema)),
  team: Type.Optional(Type.Array(Type.Object({ userId: UuidSchema, duty: Type.Optional(Nullable(Text(40))) }, { additionalProperties: false }), { maxItems: 20 })),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
}
export const CreateEnterpriseBody = Type.Object(enterpriseFields, { additionalProperties: false })
export const UpdateEnterpriseBody = Type.Partial(Type.Object(enterpriseFields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 })
export const EnterpriseListQuery = Type.Object(
  { regionCode: Type.Optional(RegionCodeSchema), q: Type.Optional(Text(40)), creditCode: Type.Optional(Type.String({ maxLength: 18 })), ...Paging },
  { additionalProperties: false },
)

export const PlaceSchema = Type.Object({
  id: UuidSchema,
  regionCode: Type.String(),
  regionName: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  address: Nullable(Type.String()),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  notes: Nullable(Type.String()),
  updatedAt: IsoDateTime,
})
export type Place = Type.Static<typeof PlaceSchema>
const placeFields = {
  regionCode: RegionCodeSchema,
  name: Name(60),
  kind: Text(20),
  address: Type.Optional(Nullable(Text(200))),
  lat: Type.Optional(Nullable(Lat)),
  lng: Type.Optional(Nullable(Lng)),
  notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
}
export const CreatePlaceBody = Type.Object(placeFields, { additionalProperties: false })
export const UpdatePlaceBody = Type.Partial(Type.Object(placeFields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 })
export const PlaceListQuery = Type.Object({ regionCode: Type.Optional(RegionCodeSchema), kind: Type.Optional(Text(20)), q: Type.Optional(Text(40)), ...Paging }, { additionalProperties: false })

// ---- imports ----------------------------------------------------------------
export const ImportJobSchema = Type.Object({
  id: UuidSchema,
  kind: Type.String(),
  status: Type.Enum(['queued', 'running', 'done', 'failed'] as const),
  filename: Type.String(),
  totalRows: Type.Integer(),
  processedRows: Type.Integer(),
  acceptedRows: Type.Integer(),
  rejectedRows: Type.Integer(),
  /** What the accepted rows did: households/persons created and updated, rows unchanged. */
  result: Type.Record(Type.String(), Type.Unknown()),
  error: Nullable(Type.String()),
  reportUrl: Nullable(Type.String()),
  createdAt: IsoDateTime,
  startedAt: Nullable(IsoDateTime),
  finishedAt: Nullable(IsoDateTime),
})
export type ImportJob = Type.Static<typeof ImportJobSchema>
