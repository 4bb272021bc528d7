import Type from 'typebox'
import { REGION_LEVELS, ROLES, STATIONS, UNIT_KINDS } from './enums.ts'

// `{ enum: [...] }` schemas: one JSON Schema keyword, and the static type is the union of the values.
export const RoleSchema = Type.Enum(ROLES)
export const StationSchema = Type.Enum(STATIONS)
export const RegionLevelSchema = Type.Enum(REGION_LEVELS)
export const UnitKindSchema = Type.Enum(UNIT_KINDS)

/** 11-digit mainland mobile number. */
export const PhoneSchema = Type.String({ pattern: '^1[3-9][0-9]{9}$', description: '11-digit mobile number' })
/** Region codes: 6 (city/county), 9 (town), 12 (village) or 15 (grid) digits. */
export const RegionCodeSchema = Type.String({ pattern: '^[0-9]{6,15}$', description: 'administrative division code' })
export const UuidSchema = Type.String({ format: 'uuid' })

// Characters that show nothing: white space, controls, soft hyphen, joiners and marks, fillers, variation
// selectors, the BOM. A name needs one character outside them.
const INVISIBLE = String.raw`\s\u0000-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB`
// Never in a name: control characters (tabs, line breaks) and the bidi embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) that make a name read differently from what it is.
const NEVER_IN_NAME = String.raw`\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069`
/** A name-like text: at least one visible character, no control or bidi-control characters (issue 11, #17). */
export const NAME_PATTERN = `^(?![\\s\\S]*[${NEVER_IN_NAME}])[\\s\\S]*?[^${INVISIBLE}]`
/**
 * The one schema of every name-like field (people, households, users, units, regions, enterprises, places,
 * categories, tags, case titles…): 1..maxLength characters, at least one visible, no control or bidi controls.
 */
export const Name = (maxLength: number, opts: { description?: string } = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: NAME_PATTERN, description: opts.description ?? 'a name: at least one visible character, no control or bidi-control characters' })
export const IsoDateTime = Type.String({ format: 'date-time' })

/** The schema, or null. */
export const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()])

/** `limit` and `offset` of a paged list query (spread into its properties). */
export const pagingFields = (maxLimit: number, defaultLimit: number) => ({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: defaultLimit })),
  // Bounded: past PostgreSQL's bigint an offset is a 500 (issue 11); no list is anywhere near this long.
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
})

// ---- errors ---------------------------------------------------------------
export const ErrorBodySchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
})
export type ErrorBody = Type.Static<typeof ErrorBodySchema>

// ---- health ---------------------------------------------------------------
export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  db: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  version: Type.String(),
})
export type Health = Type.Static<typeof HealthSchema>

// ---- regions --------------------------------------------------------------
export const RegionSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: RegionLevelSchema,
  parentCode: Nullable(Type.String()),
  /** Codes from the root down to this region, inclusive. */
  path: Type.Array(Type.String()),
  childCount: Type.Integer(),
})
export type Region = Type.Static<typeof RegionSchema>

export const RegionDetailSchema = Type.Object({
  ...RegionSchema.properties,
  /** Ancestors from the root (city) down to the parent. */
  ancestors: Type.Array(RegionSchema),
})
export type RegionDetail = Type.Static<typeof RegionDetailSchema>

export const RegionListQuery = Type.Object({ parent: Type.Optional(RegionCodeSchema), q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })) }, { additionalProperties: false })
export const RegionCodeParams = Type.Object({ code: RegionCodeSchema })

export const CreateGridBody = Type.Object(
  {
    parentCode: RegionCodeSchema,
    name: Name(60),
    /** Optional explicit 15-digit code; generated from the village code when absent. */
    code: Type.Optional(Type.String({ pattern: '^[0-9]{15}$' })),
  },
  { additionalProperties: false },
)
export type CreateGrid = Type.Static<typeof CreateGridBody>

export const UpdateRegionBody = Type.Object({ name: Name(60) }, { additionalProperties: false })

const SubtreeCounts = {
  villages: Type.Integer(),
  grids: Type.Integer(),
  /** Login accounts (账号), not residents. */
  users: Type.Integer(),
  units: Type.Integer(),
  /** Persons in the archive (在册居民), not accounts. */
  residents: Type.Integer(),
}

/**
 * Counts for a region's subtree. `totals` covers the whole subtree including people and units attached
 * to the region itself; each child's counts cover that child's subtree (a village counts itself as 1).
 */
export const RegionSummarySchema = Type.Object({
  region: RegionSchema,
  totals: Type.Object({ towns: Type.Integer(), ...SubtreeCounts }),
  children: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      level: RegionLevelSchema,
      ...SubtreeCounts,
    }),
  ),
  usersByRole: Type.Array(Type.Object({ role: Type.String(), count: Type.Integer() })),
})
export type RegionSummary = Type.Static<typeof RegionSummarySchema>

// ---- units ----------------------------------------------------------------
export const UnitSchema = Type.Object({
  id: UuidSchema,
  name: Type.String(),
  kind: UnitKindSchema,
  regionCode: Type.String(),
  regionName: Type.String(),
})
export type Unit = Type.Static<typeof UnitSchema>

export const UnitListQuery = Type.Object(
  {
    regionCode: Type.Optional(RegionCodeSchema),
    kind: Type.Optional(UnitKindSchema),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    ...pagingFields(500, 100),
  },
  { additionalProperties: false },
)
export const CreateUnitBody = Type.Object({ name: Name(80), kind: UnitKindSchema, regionCode: RegionCodeSchema }, { additionalProperties: false })
export const UpdateUnitBody = Type.Object(
  {
    name: Type.Optional(Name(80)),
    kind: Type.Optional(UnitKindSchema),
    regionCode: Type.Optional(RegionCodeSchema),
  },
  { additionalProperties: false, minProperties: 1 },
)
export const IdParams = Type.Object({ id: UuidSchema })

// ---- users ----------------------------------------------------------------
export const UserSchema = Type.Object({
  id: UuidSchema,
  phone: Type.String(),
  name: Type.String(),
  roles: Type.Array(RoleSchema),
  regionCode: Type.String(),
  regionName: Type.String(),
  unitId: Nullable(UuidSchema),
  unitName: Nullable(Type.String()),
  station: Nullable(StationSchema),
  isPartyMember: Type.Boolean(),
  isYouthLeague: Type.Boolean(),
  residenceRegionCode: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: IsoDateTime,
})
export type User = Type.Static<typeof UserSchema>

export const UserListQuery = Type.Object(
  {
    regionCode: Type.Optional(RegionCodeSchema),
    role: Type.Optional(RoleSchema),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    ...pagingFields(200, 50),
  },
  { additionalProperties: false },
)
export const UserListSchema = Type.Object({ items: Type.Array(UserSchema), total: Type.Integer() })
export type UserList = Type.Static<typeof UserListSchema>

const PasswordSchema = Type.String({ minLength: 8, maxLength: 128 })
const NameSchema = Name(40)

export const CreateUserBody = Type.Object(
  {
    phone: PhoneSchema,
    name: NameSchema,
    password: PasswordSchema,
    roles: Type.Array(RoleSchema, { minItems: 1, uniqueItems: true }),
    regionCode: RegionCodeSchema,
    unitId: Type.Optional(Nullable(UuidSchema)),
    station: Type.Optional(Nullable(StationSchema)),
    isPartyMember: Type.Optional(Type.Boolean()),
    isYouthLeague: Type.Optional(Type.Boolean()),
    residenceRegionCode: Type.Optional(Nullable(RegionCodeSchema)),
  },
  { additionalProperties: false },
)
export type CreateUser = Type.Static<typeof CreateUserBody>

export const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(NameSchema),
    phone: Type.Optional(PhoneSchema),
    password: Type.Optional(PasswordSchema),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, uniqueItems: true })),
    regionCode: Type.Optional(RegionCodeSchema),
    unitId: Type.Optional(Nullable(UuidSchema)),
    station: Type.Optional(Nullable(StationSchema)),
    isPartyMember: Type.Optional(Type.Boolean()),
    isYouthLeague: Type.Optional(Type.Boolean()),
    residenceRegionCode: Type.Optional(Nullable(RegionCodeSchema)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateUser = Type.Static<typeof UpdateUserBody>

// ---- auth -----------------------------------------------------------------
export const LoginBody = Type.Object({ phone: Type.String({ minLength: 1, maxLength: 20 }), password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false })
export type Login = Type.Static<typeof LoginBody>

export const SessionUserSchema = Type.Object({
  id: UuidSchema,
  name: Type.String(),
  phone: Type.String(),
  roles: Type.Array(RoleSchema),
  regionCode: Type.String(),
  regionName: Type.String(),
  regionLevel: RegionLevelSchema,
  unitId: Nullable(UuidSchema),
  station: Nullable(StationSchema),
})
export type SessionUser = Type.Static<typeof SessionUserSchema>

/** Failed logins on this phone since its previous successful login (present only when there were some). */
export const FailedAttemptsSchema = Type.Object({
  count: Type.Integer(),
  /** Distinct client addresses they came from. */
  addresses: Type.Integer(),
  lastAt: IsoDateTime,
})
export type FailedAttempts = Type.Static<typeof FailedAttemptsSchema>

export const LoginResponseSchema = Type.Object({
  token: Type.String(),
  expiresAt: IsoDateTime,
  user: SessionUserSchema,
  failedAttemptsSinceLastLogin: Type.Optional(FailedAttemptsSchema),
})
export type LoginResponse = Type.Static<typeof LoginResponseSchema>

export const ChangePasswordBody = Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 128 }), newPassword: PasswordSchema }, { additionalProperties: false })
export type ChangePassword = Type.Static<typeof ChangePasswordBody>

export const OkSchema = Type.Object({ ok: Type.Literal(true) })

// ---- audit log (console 审计日志) ---------------------------------------------
/**
 * Groups of audit actions the console filters by. Each group is a list of SQL LIKE patterns over
 * `audit_log.action`; a row belongs to the FIRST group whose pattern it matches (so an import report's
 * download counts as an export, not an import), and to `other` when none matches.
 */
export const AUDIT_GROUPS = ['reveal', 'export', 'import', 'user', 'security', 'setting', 'other'] as const
export type AuditGroup = (typeof AUDIT_GROUPS)[number]
export const AUDIT_GROUP_PATTERNS: Record<Exclude<AuditGroup, 'other'>, readonly string[]> = {
  reveal: ['%.reveal', '%.reveal\\_%', '%.lookup', '%.lookup\\_%'],
  export: ['%export%', '%download%'],
  import: ['%import%'],
  user: ['user.%'],
  security: ['auth.%', 'session.%', 'security.%'],
  setting: ['category.%', 'routing\\_rule.%', 'region.%', 'unit.%', 'tag.%', 'visits.%', 'intake.%', 'qr.%', 'setting%', 'api\\_key.%'],
}
/** The group of an action, as the server's SQL filter decides it (LIKE patterns read as regular expressions). */
export function auditGroupOf(action: string): AuditGroup {
  for (const g of AUDIT_GROUPS) {
    if (g === 'other') return g
    const hit = AUDIT_GROUP_PATTERNS[g].some((p) =>
      new RegExp('^' + p.replace(/\\_|[.*+?^${}()|[\]\\%_]/g, (m) => (m === '%' ? '.*' : m === '_' ? '.' : m === '\\_' ? '_' : '\\' + m)) + '$').test(action),
    )
    if (hit) return g
  }
  return 'other'
}

export const AuditListQuery = Type.Object(
  {
    /** Rows written by this user. */
    actor: Type.Optional(UuidSchema),
    /** Rows written by users whose name contains this, or whose phone ends with / equals it. */
    actorQ: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    /** Rows about this person: reveals and lookups, and the person's archive history (created, changed). */
    person: Type.Optional(UuidSchema),
    entityType: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z_]+$' })),
    entityId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z0-9_.]+$' })),
    group: Type.Optional(Type.Enum(AUDIT_GROUPS)),
    from: Type.Optional(IsoDateTime),
    to: Type.Optional(IsoDateTime),
    ...pagingFields(200, 50),
  },
  { additionalProperties: false },
)
export type AuditQuery = Type.Static<typeof AuditListQuery>

export const AuditRowSchema = Type.Object({
  /** `a<id>` for an audit_log row, `h<id>` for a row of a person's archive history. */
  id: Type.String(),
  at: IsoDateTime,
  actor: Nullable(Type.Object({ id: UuidSchema, name: Type.String(), phone: Type.String({ description: 'masked' }) })),
  action: Type.String(),
  group: Type.Enum(AUDIT_GROUPS),
  entityType: Type.String(),
  entityId: Nullable(Type.String()),
  /** Person, user, unit, region, category, tag … name when the row still exists. */
  entityName: Nullable(Type.String()),
  regionCode: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  /** As written, with ID numbers, phones and secrets masked. */
  details: Type.Unknown(),
})
export type AuditRow = Type.Static<typeof AuditRowSchema>
export const AuditListSchema = Type.Object({ items: Type.Array(AuditRowSchema), total: Type.Integer() })
export type AuditList = Type.Static<typeof AuditListSchema>
