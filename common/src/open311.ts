import Type from 'typebox'
import { IsoDateTime, Name, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'

// ---- API keys of Open311 clients (console) ------------------------------------------------
export const CreateOpen311KeyBody = Type.Object(
  {
    name: Name(80, { description: 'who the key is for, e.g. 浙里办 or a FixMyStreet instance' }),
    /** Reports through this key land in this region's subtree; default: the admin's own region. */
    regionCode: Type.Optional(RegionCodeSchema),
  },
  { additionalProperties: false },
)
export type CreateOpen311Key = Type.Static<typeof CreateOpen311KeyBody>

export const Open311KeySchema = Type.Object({
  id: UuidSchema,
  name: Type.String(),
  /** The first characters of the key, to tell keys apart (the key itself is never stored). */
  prefix: Type.String(),
  regionCode: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  createdAt: IsoDateTime,
  lastUsedAt: Nullable(IsoDateTime),
  revokedAt: Nullable(IsoDateTime),
})
export type Open311Key = Type.Static<typeof Open311KeySchema>
/** The answer of creating a key: the only time the key is shown. */
export const Open311KeyCreatedSchema = Type.Object({ ...Open311KeySchema.properties, apiKey: Type.String() })
export type Open311KeyCreated = Type.Static<typeof Open311KeyCreatedSchema>
export const Open311KeyListSchema = Type.Array(Open311KeySchema)

// ---- GeoReport v2 on the wire (JSON shapes; the XML form mirrors them) ------------------------------
// Clients send more than the spec names (jurisdiction_id, api_key, attribute[...], their own extras): inputs
// let unknown fields through and the service reads what it knows.
const Loose = { additionalProperties: true } as const
const Text = (maxLength: number) => Type.Optional(Type.String({ maxLength }))

export const Open311ErrorsSchema = Type.Array(Type.Object({ code: Type.Integer(), description: Type.String() }))

export const Open311DiscoverySchema = Type.Object({
  changeset: Type.String(),
  contact: Type.String(),
  key_service: Type.String(),
  endpoints: Type.Array(Type.Object({ specification: Type.String(), url: Type.String(), changeset: Type.String(), type: Type.String(), formats: Type.Array(Type.String()) })),
})

export const Open311ServiceSchema = Type.Object({
  service_code: Type.String(),
  service_name: Type.String(),
  description: Nullable(Type.String()),
  metadata: Type.Boolean(),
  type: Type.Enum(['realtime', 'batch', 'blackbox']),
  keywords: Nullable(Type.String()),
  group: Nullable(Type.String()),
})
export const Open311ServicesSchema = Type.Array(Open311ServiceSchema)

export const Open311ServiceDefinitionSchema = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Type.String(),
      datatype: Type.Enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
      required: Type.Boolean(),
      datatype_description: Nullable(Type.String()),
      order: Nullable(Type.Integer()),
      description: Nullable(Type.String()),
      values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }))),
    }),
  ),
})

export const Open311RequestSchema = Type.Object({
  service_request_id: Type.String(),
  status: Type.Enum(['open', 'closed']),
  status_notes: Nullable(Type.String()),
  service_name: Nullable(Type.String()),
  service_code: Type.String(),
  description: Nullable(Type.String()),
  agency_responsible: Nullable(Type.String()),
  service_notice: Nullable(Type.String()),
  requested_datetime: Type.String(),
  updated_datetime: Nullable(Type.String()),
  expected_datetime: Nullable(Type.String()),
  address: Nullable(Type.String()),
  address_id: Nullable(Type.String()),
  zipcode: Nullable(Type.String()),
  lat: Nullable(Type.Number()),
  long: Nullable(Type.Number()),
  media_url: Nullable(Type.String()),
})
export type Open311Request = Type.Static<typeof Open311RequestSchema>
export const Open311RequestsSchema = Type.Array(Open311RequestSchema)

export const Open311RequestCreatedSchema = Type.Array(
  Type.Object({
    service_request_id: Type.String(),
    token: Type.Optional(Type.String()),
    service_notice: Type.Optional(Type.String()),
    account_id: Type.Optional(Type.String()),
  }),
)
export const Open311TokenSchema = Type.Array(Type.Object({ service_request_id: Type.String(), token: Type.String() }))

/** mySociety's servicerequestupdates extension: one update of a request. */
export const Open311UpdateSchema = Type.Object({
  update_id: Type.String(),
  service_request_id: Type.String(),
  status: Type.String(),
  description: Type.String(),
  updated_datetime: Type.String(),
  media_url: Type.String(),
})
export const Open311UpdatesSchema = Type.Array(Open311UpdateSchema)
export const Open311UpdateCreatedSchema = Type.Array(Type.Object({ update_id: Type.String() }))

/** `jurisdiction_id` (our region code) is accepted everywhere; with one county it may be left out. */
const Jurisdiction = { jurisdiction_id: Text(40) }

export const Open311JurisdictionQuery = Type.Object({ ...Jurisdiction }, Loose)

/** A list filter: comma-separated, or the parameter repeated (the spec allows both). */
const ListParam = (maxLength: number) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 1000 })]))

export const Open311RequestsQuery = Type.Object(
  {
    ...Jurisdiction,
    service_request_id: ListParam(20_000),
    service_code: ListParam(2000),
    start_date: Text(40),
    end_date: Text(40),
    status: ListParam(40),
  },
  Loose,
)

export const Open311UpdatesQuery = Type.Object({ ...Jurisdiction, api_key: Text(200), start_date: Text(40), end_date: Text(40) }, Loose)

/**
 * POST requests (form-encoded, multipart with a `media` photo, or JSON). Every value arrives as text; numbers
 * (lat, long) are checked by the service so a bad one is a 400 in the spec's error format.
 */
export const Open311PostRequestForm = Type.Object(
  {
    ...Jurisdiction,
    api_key: Text(200),
    service_code: Text(60),
    lat: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Number()])),
    long: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Number()])),
    address_string: Text(500),
    address_id: Text(100),
    email: Text(200),
    device_id: Text(200),
    account_id: Text(200),
    first_name: Text(40),
    last_name: Text(40),
    phone: Text(40),
    description: Text(4000),
    media_url: Text(2000),
  },
  Loose,
)
export type Open311PostRequest = Type.Static<typeof Open311PostRequestForm>

export const Open311PostUpdateForm = Type.Object(
  {
    ...Jurisdiction,
    api_key: Text(200),
    service_request_id: Text(40),
    update_id: Text(100),
    updated_datetime: Text(40),
    status: Text(40),
    description: Text(4000),
    email: Text(200),
    phone: Text(40),
    first_name: Text(40),
    last_name: Text(40),
    title: Text(40),
    media_url: Text(2000),
    account_id: Text(200),
  },
  Loose,
)
export type Open311PostUpdate = Type.Static<typeof Open311PostUpdateForm>
