import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import {
  CASE_LEVELS,
  type CASE_CHANNELS,
  type CASE_URGENCIES,
  type CaseLevel,
  type CaseState,
  maskIdNumber,
  maskPhone,
  type RATINGS,
  type RegionLevel,
  type Role,
  type Station,
  type SUPERVISION_LEVELS,
  withIdCheck,
} from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../src/db/types.ts'
import { insertHousehold, insertPerson } from '../src/modules/archive/archive.repository.ts'
import { insertCase, insertEvent, nextCaseNumber } from '../src/modules/cases/cases.repository.ts'
import { insertConcerns, insertEntry } from '../src/modules/diary/diary.repository.ts'
import { FieldCrypto } from '../src/platform/crypto.ts'
import { addWorkingDays, cnDate } from '../src/platform/workdays.ts'
import { hashPassword } from '../src/platform/passwords.ts'
import { hashToken, newToken } from '../src/platform/auth.ts'
import { upsertRegions } from '../src/modules/regions/regions.repository.ts'

export const TEST_PASSWORD = 'test-password-1'
let passwordHash: Promise<string> | undefined
const testHash = () => (passwordHash ??= hashPassword(TEST_PASSWORD))

const LEVEL_BY_LENGTH: Record<number, 'county' | 'town' | 'village' | 'grid'> = { 9: 'town', 12: 'village', 15: 'grid' }

function parentOf(code: string): string | null {
  if (code.length === 15) return code.slice(0, 12)
  if (code.length === 12) return code.slice(0, 9)
  if (code.length === 9) return code.slice(0, 6)
  if (code.length === 6 && !code.endsWith('00')) return code.slice(0, 4) + '00'
  return null
}

/**
 * Make a region and every ancestor its code implies (grid 15 → village 12 → town 9 → county 6 → city
 * 6 ending in 00) that does not exist yet. Names default to the code; pass names to choose them. Returns the id.
 */
export async function makeRegion(db: Kysely<DB>, code: string, names: Record<string, string> = {}): Promise<number> {
  const chain: string[] = []
  for (let c: string | null = code; c; c = parentOf(c)) chain.unshift(c)
  const existing = new Set((await db.selectFrom('regions').select('code').where('code', 'in', chain).execute()).map((r) => r.code))
  await upsertRegions(
    db,
    chain
      .map((c, i) => ({
        code: c,
        name: names[c] ?? `区域${c}`,
        level: (i === 0 && c.length === 6 && c.endsWith('00') ? 'city' : c.length === 6 ? 'county' : LEVEL_BY_LENGTH[c.length]) as RegionLevel,
        parentCode: i === 0 ? null : chain[i - 1],
      }))
      .filter((r) => !existing.has(r.code)),
  )
  const row = await db.selectFrom('regions').select('id').where('code', '=', code).executeTakeFirstOrThrow()
  return row.id
}

export async function makeUnit(db: Kysely<DB>, regionCode: string, overrides: { name?: string; kind?: DB['units']['kind'] } = {}) {
  const regionId = await makeRegion(db, regionCode)
  return db
    .insertInto('units')
    .values({ name: overrides.name ?? `单位${randomInt(1e9)}`, kind: overrides.kind ?? 'department', region_id: regionId })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow()
}

export function randomPhone() {
  return '139' + String(randomInt(0, 1e8)).padStart(8, '0')
}

export interface MadeUser {
  id: string
  phone: string
  password: string
  token: string
  auth: { authorization: string }
}

/** A user with a live session (token made directly, no login round trip). */
export async function makeUser(db: Kysely<DB>, opts: { roles?: Role[]; regionCode: string; station?: Station; unitId?: string; phone?: string; name?: string; active?: boolean }): Promise<MadeUser> {
  const regionId = await makeRegion(db, opts.regionCode)
  const phone = opts.phone ?? randomPhone()
  const roles = opts.roles ?? ['village_cadre']
  const user = await db
    .insertInto('users')
    .values({
      phone,
      name: opts.name ?? `测试用户${phone.slice(-4)}`,
      password_hash: await testHash(),
      roles,
      region_id: regionId,
      unit_id: opts.unitId ?? null,
      station: opts.station ?? (roles.includes('stationed_cadre') ? 'village' : null),
      active: opts.active ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const token = newToken()
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: user.id, expires_at: new Date(Date.now() + 3600_000) })
    .execute()
  return { id: user.id, phone, password: TEST_PASSWORD, token, auth: { authorization: `Bearer ${token}` } }
}

/** The Actor a service sees for a user (as the auth hook builds it), for tests that call services directly. */
export async function actorFor(db: Kysely<DB>, userId: string): Promise<import('../src/platform/policy.ts').Actor> {
  const u = await db
    .selectFrom('users as u')
    .innerJoin('regions as r', 'r.id', 'u.region_id')
    .select(['u.id', 'u.name', 'u.phone', 'u.roles', 'u.unit_id', 'u.station', 'r.id as region_id', 'r.code', 'r.name as region_name', 'r.level', 'r.path'])
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow()
  return {
    userId: u.id,
    sessionId: '',
    name: u.name,
    phone: u.phone,
    roles: u.roles as Role[],
    regionId: u.region_id,
    regionCode: u.code,
    regionName: u.region_name,
    regionLevel: u.level,
    regionPath: u.path,
    unitId: u.unit_id,
    station: u.station,
  }
}

// ---- cases, households, persons, diary entries ------------------------------------------------------------------
// Rows put straight into the database as the real paths would leave them, without going through the services
// (they are being reshaped; a factory must not depend on how). Each returns the ids a test needs.

/** The secret createTestApp configures: a factory's encrypted phones and ID numbers read back in the app. */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789'
let testCrypto: FieldCrypto | undefined
const cryptoFor = (given?: FieldCrypto) => given ?? (testCrypto ??= new FieldCrypto(TEST_SECRET))

interface RegionInfo {
  id: number
  path: string
  level: RegionLevel
}
// Regions are never deleted in tests: one lookup per code and database.
const regionCache = new WeakMap<object, Map<string, Promise<RegionInfo>>>()
function regionInfo(db: Kysely<DB>, code: string): Promise<RegionInfo> {
  let m = regionCache.get(db)
  if (!m) regionCache.set(db, (m = new Map()))
  let p = m.get(code)
  if (!p) {
    p = makeRegion(db, code).then((id) => db.selectFrom('regions').select(['id', 'path', 'level']).where('id', '=', id).executeTakeFirstOrThrow())
    p.catch(() => m.delete(code))
    m.set(code, p)
  }
  return p
}

const categoryCache = new WeakMap<object, Map<string, Promise<number>>>()
function categoryId(db: Kysely<DB>, code: string): Promise<number> {
  let m = categoryCache.get(db)
  if (!m) categoryCache.set(db, (m = new Map()))
  let p = m.get(code)
  if (!p) {
    p = db
      .selectFrom('categories')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirstOrThrow()
      .then((r) => r.id)
    p.catch(() => m.delete(code))
    m.set(code, p)
  }
  return p
}

const TRACKING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
/** A tracking code in the shape residents get (10 characters, no look-alikes). */
const randomTrackingCode = () => [...randomBytes(10)].map((b) => TRACKING_ALPHABET[b & 31]).join('')

/**
 * An ID-card number with a valid check digit, born in 嵊州 on a random day of 1950–2005 (persons.id_hash is unique:
 * a fixed birthday left 1,000 numbers, and two persons of one test file met often enough to fail CI).
 */
const randomIdNumber = () => {
  const born = new Date(Date.UTC(1950, 0, 1) + randomInt(0, 20_000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')
  return withIdCheck('330683' + born + String(randomInt(0, 1000)).padStart(3, '0'))
}

export type CaseReporter = { user: string } | { person: string } | { phone?: string; name?: string } | { anonymous: true }

export interface MakeCaseOptions {
  /** Default 'new'. */
  state?: CaseState
  /** Where the case is (default the grid 330683105212001 of 雅璜村); its ancestors are made as needed. */
  regionCode?: string
  /** The case's current level; default the region's own level (for 'escalated', the one above it). */
  level?: CaseLevel
  /** Handling unit (id). States that have one (dispatched … closed) get a fresh unit in the case's village when omitted. */
  unit?: string
  /** Handler (user id). Accepted and later states get a fresh handler in the unit when omitted. */
  handler?: string
  /** Who raised it (user id); null/omitted for a resident's own report. */
  createdBy?: string | null
  /** Default: the raising user (as staff intake records it), or anonymous. */
  reporter?: CaseReporter
  /** Actor of the dispatch / transfer / reject / merge / approve rows (user id); default none (system). */
  dispatcher?: string
  /** A leader who claimed the case (accepted and later): handler and claimer, and a 'claim' row instead of dispatch/accept. */
  claimedBy?: string
  /** replied / closed / reopened: the raiser resolved it on the spot (handler = createdBy, a 'resolve_on_spot' row). */
  onSpot?: boolean
  /** closed: default 'satisfied'. replied: a rating given but the case not closed (the old unsatisfied path). */
  rating?: (typeof RATINGS)[number]
  category?: string
  urgency?: (typeof CASE_URGENCIES)[number]
  channel?: (typeof CASE_CHANNELS)[number]
  title?: string
  description?: string
  /** Due time of the clock (dispatched and later); default 10 working days after dispatch. */
  dueAt?: Date
  /** Past its due time, marked overdue (with its 'overdue' row). */
  overdue?: boolean
  supervision?: (typeof SUPERVISION_LEVELS)[number]
  /** merged: the case it went into (default a fresh 'new' case in the same region). */
  mergedInto?: string
  /** extension_requested: the days asked for (default 3). */
  extensionDays?: number
  reopenCount?: number
  /** The time the last step happened; earlier steps are a minute apart before it. Default now. */
  now?: Date
  crypto?: FieldCrypto
}

export interface MadeCase {
  id: string
  number: string
  trackingCode: string
  state: CaseState
  level: CaseLevel
  regionId: number
  regionPath: string
  unitId: string | null
  handlerId: string | null
  claimedBy: string | null
  createdBy: string | null
  reporterUserId: string | null
  mergedInto: string | null
  dueAt: Date | null
  /** The timeline rows written, oldest first. */
  events: { id: string; action: string; from: string | null; to: string }[]
}

const DEFAULT_CASE_REGION = '330683105212001'
const HANDLED: CaseState[] = ['dispatched', 'accepted', 'extension_requested', 'replied', 'closed', 'returned']
const WORKED: CaseState[] = ['accepted', 'extension_requested', 'replied', 'closed']
const ANSWERED: CaseState[] = ['replied', 'closed']

/**
 * A case in any state, with the columns and case_events rows the real lifecycle would have left: 'dispatched'
 * has unit, due and accept-due times; 'accepted' a handler; 'replied' replied_at; 'extension_requested' paused_at
 * and the pending days; 'closed' closed_at and a rating; 'returned' a paused clock and no unit; 'escalated' the
 * level above and no clock; 'reopened' a cleared clock and reopen_count; 'rejected' closed_at; 'merged' merged_into.
 * Always a 'create' row first and the row that led to the state last.
 */
export async function makeCase(db: Kysely<DB>, opts: MakeCaseOptions = {}): Promise<MadeCase> {
  const state = opts.state ?? 'new'
  const regionCode = opts.regionCode ?? DEFAULT_CASE_REGION
  const region = await regionInfo(db, regionCode)
  const ownLevel = ((CASE_LEVELS as readonly string[]).includes(region.level) ? region.level : 'county') as CaseLevel
  const level = opts.level ?? (state === 'escalated' ? (CASE_LEVELS[CASE_LEVELS.indexOf(ownLevel) + 1] ?? 'county') : ownLevel)
  const createdBy = opts.createdBy ?? null
  const villageCode = regionCode.length >= 12 ? regionCode.slice(0, 12) : regionCode
  const viaLeader = !!opts.claimedBy && WORKED.includes(state)
  const onSpot = !!opts.onSpot && ['replied', 'closed', 'reopened'].includes(state)
  if (onSpot && !createdBy) throw new Error('makeCase: onSpot needs createdBy (the cadre who resolved it)')
  // The unit that was (or is) handling it.
  const needsUnit = (HANDLED.includes(state) || state === 'reopened') && !onSpot && !viaLeader
  const unitId = opts.unit ?? (needsUnit ? (await makeUnit(db, villageCode, { kind: 'village_committee' })).id : null)
  const handlerId = viaLeader
    ? opts.claimedBy!
    : onSpot
      ? createdBy
      : (opts.handler ?? ((WORKED.includes(state) || state === 'reopened') && unitId ? (await makeUser(db, { roles: ['dept_handler'], regionCode: villageCode, unitId })).id : null))
  const mergedInto = state === 'merged' ? (opts.mergedInto ?? (await makeCase(db, { regionCode, createdBy, now: opts.now })).id) : null

  // The steps from intake to the state: [action, to-state, actor, data, note].
  type Step = [string, CaseState, string | null, Record<string, unknown>, string | null]
  const steps: Step[] = []
  const d = opts.dispatcher ?? null
  const dispatch: Step = ['dispatch', 'dispatched', d, { unitId, handlerId: null, level }, null]
  const answered = (): Step[] =>
    onSpot
      ? [['resolve_on_spot', 'replied', createdBy, { onSpot: true }, '已当场解决']]
      : viaLeader
        ? [
            ['claim', 'accepted', opts.claimedBy!, {}, null],
            ['reply', 'replied', opts.claimedBy!, {}, '已答复'],
          ]
        : [dispatch, ['accept', 'accepted', handlerId, {}, null], ['reply', 'replied', handlerId, {}, '已答复']]
  switch (state) {
    case 'new':
      break
    case 'dispatched':
      steps.push(dispatch)
      break
    case 'accepted':
      steps.push(...(viaLeader ? [['claim', 'accepted', opts.claimedBy!, {}, null] as Step] : [dispatch, ['accept', 'accepted', handlerId, {}, null] as Step]))
      break
    case 'extension_requested':
      steps.push(...(viaLeader ? [['claim', 'accepted', opts.claimedBy!, {}, null] as Step] : [dispatch, ['accept', 'accepted', handlerId, {}, null] as Step]))
      steps.push(['extend', 'extension_requested', handlerId, { days: opts.extensionDays ?? 3 }, '需要协调'])
      break
    case 'replied':
      steps.push(...answered())
      if (opts.rating) steps.push(['rate', 'replied', opts.reporter && 'user' in opts.reporter ? opts.reporter.user : createdBy, { rating: opts.rating }, null])
      break
    case 'closed':
      steps.push(...answered(), ['rate', 'closed', opts.reporter && 'user' in opts.reporter ? opts.reporter.user : createdBy, { rating: opts.rating ?? 'satisfied' }, null])
      break
    case 'returned':
      steps.push(dispatch, ['return', 'returned', null, { unitId }, '不属于本单位职责'])
      break
    case 'escalated':
      steps.push(['escalate', 'escalated', d ?? createdBy, { fromLevel: CASE_LEVELS[CASE_LEVELS.indexOf(level) - 1] ?? level, toLevel: level }, '本级无法解决'])
      break
    case 'reopened':
      steps.push(...answered(), ['rate', 'reopened', opts.reporter && 'user' in opts.reporter ? opts.reporter.user : createdBy, { rating: 'unsatisfied' }, '问题没有解决'])
      break
    case 'rejected':
      steps.push(['reject', 'rejected', d, { kind: 'not_government' }, '不属于政府职责'])
      break
    case 'merged':
      steps.push(['merge', 'merged', d, { intoCaseId: mergedInto }, null])
      break
  }
  if (opts.supervision) steps.splice(Math.min(steps.length, 1), 0, ['supervise', (steps[0]?.[1] ?? 'new') as CaseState, null, { level: opts.supervision }, null])

  // Times: the last step at `now`, each earlier one a minute before.
  const now = opts.now ?? new Date()
  const at = (i: number) => new Date(now.getTime() - (steps.length - i) * 60_000) // i = 0 is intake
  const dispatchedAt = steps.findIndex((s) => s[0] === 'dispatch' || s[0] === 'claim')
  const clockStart = dispatchedAt >= 0 ? at(dispatchedAt + 1) : null
  const cleared = ['escalated', 'reopened', 'new', 'rejected', 'merged'].includes(state)
  let dueAt = !cleared && clockStart ? (opts.dueAt ?? addWorkingDays(clockStart, 10)) : null
  if (opts.overdue && dueAt) dueAt = opts.dueAt ?? new Date(now.getTime() - 3600_000)
  // Warning at 70 % of the limit; an overdue case's clock is taken to have run a day.
  const warnAt = !dueAt || !clockStart ? null : dueAt <= clockStart ? new Date(dueAt.getTime() - 86_400_000) : new Date(clockStart.getTime() + (dueAt.getTime() - clockStart.getTime()) * 0.7)
  const paused = state === 'returned' || state === 'extension_requested'
  const answeredAt = steps.findIndex((s) => s[0] === 'reply' || s[0] === 'resolve_on_spot')
  const finalAt = at(steps.length)
  const reporter = opts.reporter ?? (createdBy ? { user: createdBy } : { anonymous: true as const })
  const phone = 'phone' in reporter && reporter.phone ? cryptoFor(opts.crypto).protect(reporter.phone, maskPhone) : null
  const rating = state === 'closed' ? (opts.rating ?? 'satisfied') : state === 'replied' ? (opts.rating ?? null) : null

  const number = await nextCaseNumber(db, cnDate(now).replaceAll('-', ''))
  const trackingCode = randomTrackingCode()
  const { id } = await insertCase(db, {
    number,
    channel: opts.channel ?? (createdBy ? 'walk_in' : 'qr'),
    state,
    level,
    region_id: region.id,
    category_id: opts.category ? await categoryId(db, opts.category) : null,
    urgency: opts.urgency ?? 'normal',
    title: opts.title ?? `测试事项${number.slice(-4)}`,
    description: opts.description ?? '工厂生成的测试事项',
    reporter_kind: 'user' in reporter ? 'user' : 'person' in reporter ? 'person' : 'anonymous' in reporter ? 'anonymous' : 'named',
    reporter_person_id: 'person' in reporter ? reporter.person : null,
    reporter_user_id: 'user' in reporter ? reporter.user : createdBy,
    reporter_name: 'name' in reporter ? (reporter.name ?? null) : null,
    reporter_phone_enc: phone?.enc ?? null,
    reporter_phone_hash: phone?.hash ?? null,
    reporter_phone_masked: phone?.masked ?? null,
    tracking_code: trackingCode,
    unit_id: ['returned', 'reopened', 'new', 'escalated', 'rejected', 'merged'].includes(state) ? null : unitId,
    handler_id: WORKED.includes(state) ? handlerId : null,
    claimed_by: viaLeader ? opts.claimedBy! : null,
    dispatched_by_level: dispatchedAt >= 0 && !viaLeader ? level : null,
    due_at: dueAt,
    warn_at: warnAt,
    accept_due_at: clockStart && !viaLeader && !cleared ? addWorkingDays(clockStart, 1) : null,
    warned_at: opts.overdue && dueAt ? dueAt : null,
    overdue_at: opts.overdue && dueAt ? now : null,
    paused_at: paused ? finalAt : null,
    pending_extension_days: state === 'extension_requested' ? (opts.extensionDays ?? 3) : null,
    supervision: opts.supervision ?? null,
    merged_into: mergedInto,
    rating,
    rated_at: rating ? finalAt : null,
    reopen_count: opts.reopenCount ?? (state === 'reopened' ? 1 : 0),
    replied_at: ANSWERED.includes(state) && answeredAt >= 0 ? at(answeredAt + 1) : null,
    closed_at: ['closed', 'rejected', 'merged'].includes(state) ? finalAt : null,
    created_by: createdBy,
    created_at: at(0),
  })

  // One statement for the whole timeline (ids in order).
  type EventRow = { action: string; to: string; from: string | null; actor: string | null; data: Record<string, unknown>; note: string | null; at: Date }
  const rows: EventRow[] = [{ action: 'create', to: 'new', from: null, actor: createdBy, data: { channel: opts.channel ?? null, number }, note: null, at: at(0) }]
  for (const [i, [action, to, actor, data, note]] of steps.entries()) rows.push({ action, to, from: rows[rows.length - 1].to, actor, data, note, at: at(i + 1) })
  if (opts.overdue && dueAt) rows.push({ action: 'overdue', to: state, from: state, actor: null, data: { dueAt: dueAt.toISOString() }, note: null, at: now })
  const inserted = await db
    .insertInto('case_events')
    .values(rows.map((r) => ({ case_id: id, action: r.action, actor_id: r.actor, from_state: r.from, to_state: r.to, note: r.note, data: JSON.stringify(r.data), at: r.at })))
    .returning(['id', 'action', 'from_state', 'to_state'])
    .execute()
  if (mergedInto) await insertEvent(db, { caseId: mergedInto, action: 'merged_from', actorId: d, from: 'new', to: 'new', data: { caseId: id, number }, at: now })
  return {
    id,
    number,
    trackingCode,
    state,
    level,
    regionId: region.id,
    regionPath: region.path,
    unitId: unitId,
    handlerId: handlerId ?? null,
    claimedBy: viaLeader ? opts.claimedBy! : null,
    createdBy,
    reporterUserId: 'user' in reporter ? reporter.user : createdBy,
    mergedInto,
    dueAt,
    events: inserted.map((e) => ({ id: String(e.id), action: e.action, from: e.from_state, to: e.to_state! })),
  }
}

/** A household (一户一档) in a region, with an optional phone (stored encrypted, as the archive does). */
export async function makeHousehold(db: Kysely<DB>, opts: { regionCode?: string; address?: string; phone?: string; createdBy?: string; crypto?: FieldCrypto } = {}) {
  const region = await regionInfo(db, opts.regionCode ?? DEFAULT_CASE_REGION.slice(0, 12))
  const address = opts.address ?? `测试村${randomInt(1, 999)}号${randomUUID().slice(0, 8)}`
  const phone = cryptoFor(opts.crypto).protect(opts.phone, maskPhone)
  const { id } = await insertHousehold(db, {
    region_id: region.id,
    address,
    phone_enc: phone.enc,
    phone_hash: phone.hash,
    phone_masked: phone.masked,
    created_by: opts.createdBy ?? null,
  })
  return { id, regionId: region.id, regionPath: region.path, address }
}

/**
 * A person, a member of a household when `household` is given (in its region unless `regionCode` says
 * otherwise; `head` makes them its head). ID number and phone are stored encrypted with their masks.
 */
export async function makePerson(
  db: Kysely<DB>,
  opts: { household?: string; regionCode?: string; name?: string; idNumber?: string | null; phone?: string; relation?: string; head?: boolean; createdBy?: string; crypto?: FieldCrypto } = {},
) {
  const crypto = cryptoFor(opts.crypto)
  const regionId = opts.regionCode
    ? (await regionInfo(db, opts.regionCode)).id
    : opts.household
      ? (await db.selectFrom('households').select('region_id').where('id', '=', opts.household).executeTakeFirstOrThrow()).region_id
      : (await regionInfo(db, DEFAULT_CASE_REGION.slice(0, 12))).id
  const idNumber = opts.idNumber === null ? null : (opts.idNumber ?? randomIdNumber())
  const id = crypto.protect(idNumber, maskIdNumber)
  const phone = crypto.protect(opts.phone, maskPhone)
  const name = opts.name ?? `测试居民${randomInt(1000, 9999)}`
  const person = await insertPerson(db, {
    household_id: opts.household ?? null,
    region_id: regionId,
    name,
    id_enc: id.enc,
    id_hash: id.hash,
    id_masked: id.masked,
    phone_enc: phone.enc,
    phone_hash: phone.hash,
    phone_masked: phone.masked,
    relation: opts.relation ?? (opts.head ? '户主' : null),
    created_by: opts.createdBy ?? null,
  })
  if (opts.head && opts.household) await db.updateTable('households').set({ head_person_id: person.id }).where('id', '=', opts.household).execute()
  return { id: person.id, householdId: opts.household ?? null, regionId, name, idNumber, phone: opts.phone ?? null }
}

/** A diary entry (one visit) by a user, optionally about a household or person, with its concerns (诉求). */
export async function makeDiaryEntry(
  db: Kysely<DB>,
  opts: { author: string; regionCode?: string; kind?: 'village' | 'community' | 'enterprise'; household?: string; person?: string; text?: string; concerns?: string[]; occurredAt?: Date },
) {
  const region = await regionInfo(db, opts.regionCode ?? DEFAULT_CASE_REGION.slice(0, 12))
  const text = opts.text ?? '走访了解情况,群众反映良好'
  const entry = await insertEntry(db, {
    client_id: randomUUID(),
    content_hash: randomUUID(),
    kind: opts.kind ?? 'village',
    author_id: opts.author,
    region_id: region.id,
    household_id: opts.household ?? null,
    person_id: opts.person ?? null,
    occurred_at: opts.occurredAt ?? new Date(),
    text,
  })
  await insertConcerns(db, entry.id, opts.concerns ?? [])
  const concerns = await db.selectFrom('diary_concerns').select(['id', 'text']).where('entry_id', '=', entry.id).orderBy('position').execute()
  return { id: entry.id, regionId: region.id, concernIds: concerns.map((c) => c.id) }
}
