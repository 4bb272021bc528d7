import type { CreateUser, Role, UpdateUser, User, UserList } from '@minqing/common'
import type { Static } from 'typebox'
import type { UserListQuery } from '@minqing/common'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { DB, UsersTable } from '../../db/types.ts'
import type { Insertable } from 'kysely'
import { audit } from '../../platform/audit.ts'
import { badRequest, conflict, AppError } from '../../platform/errors.ts'
import { assertStrongPassword, hashPassword } from '../../platform/passwords.ts'
import { type Actor, SYSTEM_ACTOR_ID, hasRole, requireRole, scopeOf, visibleRow, writableRow } from '../../platform/policy.ts'
import type { EventBus } from '../../platform/events.ts'
import { revokeSessions } from '../../platform/session-cache.ts'
import { deleteUserSessions } from '../../platform/sessions.repository.ts'
import { pathCodes, RegionsService } from '../regions/regions.service.ts'
import { UnitsService } from '../units/units.service.ts'
import * as repo from './users.repository.ts'

/** Roles that may look up other users in their area (to dispatch, supervise, manage). */
// Stationed cadres and grid workers pick colleagues too (an enterprise's service team), within their area.
const DIRECTORY_ROLES: Role[] = ['admin', 'leader', 'town_handler', 'dept_handler', 'village_cadre', 'stationed_cadre', 'grid_worker']

function toUser(row: repo.UserView): User {
  return {
    id: row.id,
    phone: row.phone,
    name: row.name,
    roles: row.roles as Role[],
    regionCode: row.region_code,
    regionName: row.region_name,
    unitId: row.unit_id,
    unitName: row.unit_name,
    station: row.station,
    isPartyMember: row.is_party_member,
    isYouthLeague: row.is_youth_league,
    residenceRegionCode: row.residence_region_code,
    active: row.active,
    createdAt: row.created_at.toISOString(),
  }
}

/** Rules that tie fields to roles: a station only for stationed cadres, volunteer flags only for volunteers. */
function checkRoleSetup(roles: Role[], station: string | null | undefined, flags: { party?: boolean; youth?: boolean; residence?: string | null }) {
  const problems: string[] = []
  if (roles.includes('stationed_cadre') && !station) problems.push('三驻干部须指定驻点类型 (station)')
  if (!roles.includes('stationed_cadre') && station) problems.push('只有三驻干部 (stationed_cadre) 才有驻点类型')
  if (!roles.includes('volunteer') && (flags.party || flags.youth || flags.residence)) problems.push('党员/团员标记和居住区域只用于志愿者 (volunteer)')
  if (problems.length) throw badRequest('INVALID_ROLE_SETUP', problems.join('; '), { problems })
}

export class UsersService {
  constructor(
    private db: Kysely<DB>,
    private regions: RegionsService,
    private units: UnitsService,
    /** Where ended sessions are announced (absent for the command line, which serves no requests). */
    private bus?: EventBus,
  ) {}

  async get(actor: Actor, id: string): Promise<User> {
    const row = await repo.findUser(this.db, id)
    if (row && row.id === actor.userId) return toUser(row)
    if (!hasRole(actor, ...DIRECTORY_ROLES)) throw new AppError(404, 'NOT_FOUND', '用户不存在')
    return toUser(visibleRow(actor, row, '用户'))
  }

  async list(actor: Actor, query: Static<typeof UserListQuery>): Promise<UserList> {
    requireRole(actor, ...DIRECTORY_ROLES)
    const { items, total } = await repo.listUsers(this.db, scopeOf(actor), {
      regionPath: await this.regions.filterPath(actor, query.regionCode),
      role: query.role,
      q: query.q,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    })
    return { items: items.map(toUser), total }
  }

  async create(actor: Actor, body: CreateUser, ip?: string): Promise<User> {
    requireRole(actor, 'admin')
    const region = await this.regions.resolveForWrite(actor, body.regionCode)
    checkRoleSetup(body.roles, body.station, { party: body.isPartyMember, youth: body.isYouthLeague, residence: body.residenceRegionCode })
    const unit = body.unitId ? await this.units.resolveForWrite(actor, body.unitId) : undefined
    const residence = body.residenceRegionCode ? await this.regions.resolveForWrite(actor, body.residenceRegionCode) : undefined
    await assertStrongPassword(body.password, { phone: body.phone, name: body.name })
    const passwordHash = await hashPassword(body.password)
    return this.db.transaction().execute(async (trx) => {
      if (await repo.findUserIdByPhone(trx, body.phone)) throw conflict('PHONE_TAKEN', `手机号已被使用: ${body.phone}`)
      const { id } = await repo.insertUser(trx, {
        phone: body.phone,
        name: body.name,
        password_hash: passwordHash,
        roles: body.roles,
        region_id: region.id,
        unit_id: unit?.id ?? null,
        station: body.station ?? null,
        is_party_member: body.isPartyMember ?? false,
        is_youth_league: body.isYouthLeague ?? false,
        residence_region_id: residence?.id ?? (body.roles.includes('volunteer') ? region.id : null),
      })
      const { password: _pw, ...safe } = body
      await audit(trx, { actor, action: 'user.create', entityType: 'user', entityId: id, regionId: region.id, ip, details: safe })
      return toUser((await repo.findUser(trx, id))!)
    })
  }

  async update(actor: Actor, id: string, body: UpdateUser, ip?: string): Promise<User> {
    requireRole(actor, 'admin')
    const current = writableRow(actor, await repo.findUser(this.db, id), '用户')
    if (id === actor.userId && (body.active === false || (body.roles && !body.roles.includes('admin')))) throw conflict('CONFLICT', '不能停用自己或取消自己的管理员角色')

    // The final state after the patch must be a consistent role setup. Fields that no longer apply after a
    // role is removed are cleared, unless the same request sets them (then the request is contradictory).
    const roles = (body.roles ?? current.roles) as Role[]
    const stationed = roles.includes('stationed_cadre')
    const volunteer = roles.includes('volunteer')
    checkRoleSetup(roles, body.station !== undefined ? body.station : stationed ? current.station : null, {
      party: body.isPartyMember,
      youth: body.isYouthLeague,
      residence: body.residenceRegionCode,
    })
    const station = stationed ? (body.station !== undefined ? body.station : current.station) : null
    const party = volunteer ? (body.isPartyMember ?? current.is_party_member) : false
    const youth = volunteer ? (body.isYouthLeague ?? current.is_youth_league) : false
    const residenceCode = volunteer ? (body.residenceRegionCode !== undefined ? body.residenceRegionCode : current.residence_region_code) : null

    const region = body.regionCode ? await this.regions.resolveForWrite(actor, body.regionCode) : undefined
    const unit = body.unitId ? await this.units.resolveForWrite(actor, body.unitId) : undefined
    const residence = residenceCode ? await this.regions.resolveForWrite(actor, residenceCode) : undefined
    const patch: Partial<Insertable<UsersTable>> = {}
    if (body.name !== undefined) patch.name = body.name
    if (body.phone !== undefined) patch.phone = body.phone
    if (body.roles !== undefined) patch.roles = body.roles
    if (region) patch.region_id = region.id
    if (body.unitId !== undefined) patch.unit_id = unit?.id ?? null
    patch.station = station ?? null
    patch.is_party_member = party
    patch.is_youth_league = youth
    patch.residence_region_id = residence?.id ?? (volunteer ? (region?.id ?? current.region_id) : null)
    if (body.active !== undefined) patch.active = body.active
    if (body.password !== undefined) {
      await assertStrongPassword(body.password, { phone: body.phone ?? current.phone, name: body.name ?? current.name })
      patch.password_hash = await hashPassword(body.password)
      patch.password_changed_at = sql`now()` as any
    }

    const updated = await this.db.transaction().execute(async (trx) => {
      if (body.phone && body.phone !== current.phone) {
        const other = await repo.findUserIdByPhone(trx, body.phone)
        if (other && other.id !== id) throw conflict('PHONE_TAKEN', `手机号已被使用: ${body.phone}`)
      }
      await repo.updateUser(trx, id, patch)
      // A reset password, a disabled account or a narrowed area ends the user's open sessions.
      if (body.password !== undefined || body.active === false || body.roles || region) await deleteUserSessions(trx, id)
      const { password: pw, ...safe } = body
      await audit(trx, {
        actor,
        action: 'user.update',
        entityType: 'user',
        entityId: id,
        regionId: region?.id ?? current.region_id,
        ip,
        details: { ...safe, ...(pw !== undefined ? { passwordReset: true } : {}) },
      })
      return toUser((await repo.findUser(trx, id))!)
    })
    // Server processes holding the user's sessions read them again: roles, area, unit or the account changed.
    if (this.bus) await revokeSessions(this.bus, { userId: id })
    return updated
  }
}

/**
 * The command line's way in (`minqing users add`): the same rules as an admin's POST /api/users, acting as
 * a system admin of the region's county (the first admin of an install has no one to act for them).
 */
export async function createUserAsSystem(db: Kysely<DB>, body: CreateUser): Promise<User> {
  const region = await db.selectFrom('regions').select(['id', 'code', 'name', 'level', 'path']).where('code', '=', body.regionCode).executeTakeFirst()
  if (!region) throw badRequest('UNKNOWN_REGION', `区域代码不存在: ${body.regionCode} (import it first: npm run regions -- import <county>)`)
  const root = pathCodes(region.path)[0]
  const system: Actor = {
    userId: SYSTEM_ACTOR_ID,
    sessionId: '',
    name: 'system',
    phone: '',
    roles: ['admin'],
    regionId: region.id,
    regionCode: root,
    regionName: 'system',
    regionLevel: 'city',
    regionPath: `/${root}/`,
    unitId: null,
    station: null,
  }
  const regions = new RegionsService(db)
  return new UsersService(db, regions, new UnitsService(db, regions)).create(system, body)
}
