import { randomInt } from 'node:crypto'
import type { RegionLevel, Role, Station } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../src/db/types.ts'
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
    chain.map((c, i) => ({
      code: c,
      name: names[c] ?? `区域${c}`,
      level: (i === 0 && c.length === 6 && c.endsWith('00') ? 'city' : c.length === 6 ? 'county' : LEVEL_BY_LENGTH[c.length]) as RegionLevel,
      parentCode: i === 0 ? null : chain[i - 1],
    })).filter((r) => !existing.has(r.code)),
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
export async function makeUser(
  db: Kysely<DB>,
  opts: { roles?: Role[]; regionCode: string; station?: Station; unitId?: string; phone?: string; name?: string; active?: boolean },
): Promise<MadeUser> {
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
