import Type from 'typebox'
import { REGION_LEVELS } from './enums.ts'
import { IsoDateTime, Nullable, UuidSchema } from './schemas.ts'
import { PUBLIC_DESCRIPTION_MAX, PUBLIC_NAME_MAX, PUBLIC_TITLE_MAX, QR_CODE_PATTERN } from './public-report-enums.ts'

// 民情码: residents report without an account (/r/<code>), track by code (/t/<trackingCode>) and rate the answer;
// the console prints the posters.

export const QrCodeParams = Type.Object({ code: Type.String({ pattern: QR_CODE_PATTERN, description: 'region code or a place’s 民情码' }) })
export const TrackingCodeParams = Type.Object({ trackingCode: Type.String({ pattern: '^[A-Za-z0-9_-]{6,40}$' }) })

const SubCategory = Type.Object({ code: Type.String(), name: Type.String(), keywords: Type.Array(Type.String()) })
export const PublicCategorySchema = Type.Object({ ...SubCategory.properties, children: Type.Array(SubCategory) })

/** What the report page needs: where it is, the categories to pick from, and a signed form token. */
export const PublicQrInfoSchema = Type.Object({
  code: Type.String(),
  kind: Type.Enum(['region', 'place'] as const),
  /** The place's name, or the region's. */
  name: Type.String(),
  region: Type.Object({ code: Type.String(), name: Type.String(), level: Type.Enum(REGION_LEVELS) }),
  /** The enclosing town and village (or the region itself at that level); null above it. */
  town: Nullable(Type.String()),
  village: Nullable(Type.String()),
  place: Nullable(Type.Object({ name: Type.String(), kind: Type.String(), address: Nullable(Type.String()) })),
  categories: Type.Array(PublicCategorySchema),
  token: Type.String(),
  tokenExpiresAt: IsoDateTime,
  /** The token is refused until this many seconds after it was issued. */
  minFillSeconds: Type.Number(),
})
export type PublicQrInfo = Type.Static<typeof PublicQrInfoSchema>

/** No control characters but tab and line breaks (a NUL cannot even be stored as text). */
const TEXT = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$'
const Text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max, pattern: TEXT })

/**
 * A resident's report, as JSON or as the text fields of a multipart form (plus up to 9 photo files). Text is kept
 * as written: it is shown as text everywhere, never as HTML.
 */
export const PublicReportBody = Type.Object(
  {
    code: Type.String({ pattern: QR_CODE_PATTERN }),
    token: Type.Optional(Type.String({ maxLength: 200 })),
    description: Text(PUBLIC_DESCRIPTION_MAX, 1),
    title: Type.Optional(Nullable(Text(PUBLIC_TITLE_MAX))),
    categoryCode: Type.Optional(Nullable(Type.String({ maxLength: 60 }))),
    lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
    lng: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    name: Type.Optional(Nullable(Text(PUBLIC_NAME_MAX))),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    anonymous: Type.Optional(Type.Boolean()),
    /** Idempotency key from the page: a resend after a lost answer gets the same tracking code. */
    clientId: Type.Optional(Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
)
export type PublicReport = Type.Static<typeof PublicReportBody>

export const PublicReportCreatedSchema = Type.Object({
  trackingCode: Type.String(),
  trackingUrl: Type.String(),
})
export type PublicReportCreated = Type.Static<typeof PublicReportCreatedSchema>

/** Why residents' phones cannot open a link's host. */
export const PUBLIC_URL_PROBLEMS = ['loopback', 'private', 'link_local', 'local_name', 'unspecified'] as const
export type PublicUrlProblem = (typeof PUBLIC_URL_PROBLEMS)[number]

/** The base of the links printed for residents: PUBLIC_URL, or else the address the request came in by. */
export const PublicUrlInfoSchema = Type.Object({
  value: Type.String(),
  source: Type.Enum(['config', 'request'] as const),
  /** False when the host is loopback, private, link-local or a local-network name (only judged for `request`). */
  reachable: Type.Boolean(),
  reason: Nullable(Type.Enum(PUBLIC_URL_PROBLEMS)),
})
export type PublicUrlInfo = Type.Static<typeof PublicUrlInfoSchema>

/** A 民情码 as the console prints it. */
export const QrTargetSchema = Type.Object({
  kind: Type.Enum(['region', 'place'] as const),
  /** What follows /r/ in the link. */
  code: Type.String(),
  name: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  /** Names from the county down to the region, for the poster's subtitle. */
  areaNames: Type.Array(Type.String()),
  placeId: Nullable(UuidSchema),
  url: Type.String(),
  pngUrl: Type.String(),
  /** Where `url` points and whether residents can reach it: the poster page warns when they cannot. */
  publicUrl: PublicUrlInfoSchema,
})
export type QrTarget = Type.Static<typeof QrTargetSchema>

export const QrPngQuery = Type.Object(
  {
    /** Pixels per side of the PNG. */
    size: Type.Optional(Type.Integer({ minimum: 128, maximum: 2048, default: 512 })),
    download: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
