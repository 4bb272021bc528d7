import type { Static } from 'typebox'
import type { DutyOfficer, DutyRoster, DutyRosterQuery, SetDutyDayBody } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB, Executor } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import { badRequest, forbidden, notFound } from '../../platform/errors.ts'
import { type Actor, hasPermission, hasRole, isCountyLevel, pathInScope, scopeOf } from '../../platform/policy.ts'
import { cnDate } from '../../platform/workdays.ts'
import * as repo from './duty.repository.ts'

/** Who may stand duty (and who is reached when nobody is rostered: the leaders). */
const DUTY_ROLES = ['leader', 'admin']
const DAY_MS = 86_400_000

const toOfficer = (u: { id: string; name: string; roles: string[] }): DutyOfficer => ({ userId: u.id, name: u.name, roles: u.roles })

/**
 * 县级值班 (issue 14): per county and day, who is the duty officer. Urgent cases and the brain's alerts reach them
 * (`officersFor`); when nobody is rostered that day, the county's leaders are reached instead.
 */
export class DutyService {
  constructor(private db: Kysely<DB>) {}

  /**
   * User ids of that day's (Asia/Shanghai) duty officers of the region's county; the county's leaders when nobody is
   * rostered. `db`: the caller's transaction when it has one open (on PGlite's single connection a read outside it
   * would wait for it forever).
   */
  async officersFor(regionId: number, at: Date = new Date(), db: Executor = this.db): Promise<string[]> {
    const county = await repo.countyOfRegionId(db, regionId)
    if (!county) return []
    const rostered = await repo.officersOn(db, county.id, cnDate(at))
    if (rostered.length) return rostered
    return (await repo.countyStaff(db, county.id, ['leader'])).map((u) => u.id)
  }

  /** The county a caller reads or sets: the one named (it must overlap their area), else their own. */
  private async county(actor: Actor, regionCode?: string) {
    const county = regionCode ? await repo.countyOfRegionCode(this.db, regionCode) : await repo.countyOfRegionId(this.db, actor.regionId)
    if (!county) {
      if (regionCode) throw notFound('区域')
      throw badRequest('UNKNOWN_REGION', '请指定县(市)区域代码', { regionCode: null })
    }
    // Visible when the county lies in the caller's subtree (city level) or the caller works inside the county.
    if (!pathInScope(scopeOf(actor), county.path) && !actor.regionPath.startsWith(county.path)) throw notFound('区域')
    return county
  }

  private editable(actor: Actor, county: repo.CountyRow) {
    return hasRole(actor, ...(DUTY_ROLES as Actor['roles'])) && isCountyLevel(actor) && pathInScope(scopeOf(actor), county.path)
  }

  async roster(actor: Actor, q: Static<typeof DutyRosterQuery>): Promise<DutyRoster> {
    if (!hasPermission(actor, 'stats.read')) throw forbidden('没有权限查看值班表', { requiredPermission: 'stats.read' })
    const county = await this.county(actor, q.regionCode)
    const from = q.from ?? cnDate(new Date())
    const n = q.days ?? 7
    const start = Date.parse(`${from}T00:00:00Z`)
    if (Number.isNaN(start)) throw badRequest('VALIDATION_FAILED', `日期不正确: ${from}`, { from })
    const days = Array.from({ length: n }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10))
    const [rows, candidates] = await Promise.all([repo.rosterBetween(this.db, county.id, days[0], days[n - 1]), repo.countyStaff(this.db, county.id, DUTY_ROLES)])
    const leaders = candidates.filter((c) => c.roles.includes('leader')).map(toOfficer)
    return {
      countyCode: county.code,
      countyName: county.name,
      editable: this.editable(actor, county),
      days: days.map((day) => {
        const officers = rows.filter((r) => r.day === day && r.active).map(toOfficer)
        return { day, officers: officers.length ? officers : leaders, fallback: officers.length === 0 }
      }),
      candidates: candidates.map(toOfficer),
    }
  }

  async setDay(actor: Actor, day: string, body: Static<typeof SetDutyDayBody>, ip?: string): Promise<DutyRoster> {
    if (!hasRole(actor, 'admin', 'leader')) throw forbidden('只有县级管理员和领导可以排班', { requiredRoles: DUTY_ROLES })
    const county = await this.county(actor, body.regionCode)
    if (!this.editable(actor, county)) throw forbidden('只有本县(市)的县级管理员和领导可以排班', { requiredLevel: 'county' })
    if (Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw badRequest('VALIDATION_FAILED', `日期不正确: ${day}`, { day })
    const allowed = new Set((await repo.countyStaff(this.db, county.id, DUTY_ROLES)).map((u) => u.id))
    const unknown = body.userIds.filter((u) => !allowed.has(u))
    if (unknown.length) throw badRequest('UNKNOWN_USER', '值班人员须是本县(市)在岗的县级领导或管理员', { userIds: unknown })
    await this.db.transaction().execute(async (trx) => {
      await repo.setDay(trx, county.id, day, body.userIds, actor.userId)
      await audit(trx, { actor, action: 'duty.set', entityType: 'duty_roster', entityId: `${county.code}:${day}`, regionId: county.id, ip, details: { day, userIds: body.userIds } })
    })
    return this.roster(actor, { from: day, days: 1, regionCode: county.code })
  }
}
