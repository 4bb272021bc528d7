import type { CreateTeam, Duty, DutyList, PutRota, Rota, RotaExceptionInput, Team, UpdateTeam } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { badRequest, forbidden, notFound } from '../../platform/errors.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import { addDays, daysBetween, dutiesIn, isoWeekday, localDate } from './rota.ts'
import * as repo from './teams.repository.ts'

const MAX_DUTY_DAYS = 31

function mapTeam(t: repo.TeamRow, members: repo.MemberRow[]): Team {
  const own = members.filter((m) => m.team_id === t.id)
  return {
    id: t.id,
    name: t.name,
    kind: t.kind as Team['kind'],
    regionCode: t.region_code,
    regionName: t.region_name,
    description: t.description,
    leaderId: t.leader_id,
    leaderName: t.leader_name,
    members: own.map((m) => ({ userId: m.user_id, name: m.name, isPartyMember: m.is_party_member, isYouthLeague: m.is_youth_league })),
    memberCount: own.length,
    createdAt: t.created_at.toISOString(),
  }
}

/**
 * 志愿队伍 and their rota (issue 15). Staff with `tasks.publish` manage the teams of their area (a team's region in
 * their subtree; others 404); a volunteer reads the teams they belong to and their duties. A member must be an
 * active volunteer residing in the team's region subtree (400 MEMBER_NOT_ELIGIBLE otherwise); the leader is a member.
 */
export class TeamsService {
  constructor(private db: Kysely<DB>) {}

  private isStaff(actor: Actor) {
    return hasPermission(actor, 'tasks.publish')
  }

  /** The team if the actor may read it (staff of its area, or a member), else 404. */
  async visible(actor: Actor, id: string): Promise<repo.TeamRow> {
    requirePermission(actor, 'tasks.read')
    const t = await repo.findTeam(this.db, id)
    if (t && this.isStaff(actor) && pathInScope(scopeOf(actor), t.region_path)) return t
    if (t && (await repo.isMember(this.db, id, actor.userId))) return t
    throw notFound('队伍')
  }

  /** The team if the actor may change it (tasks.publish, its region in their area), else 404 (a member sees it but 403). */
  private async writable(actor: Actor, id: string) {
    const t = await this.visible(actor, id)
    if (!this.isStaff(actor) || !pathInScope(scopeOf(actor), t.region_path)) throw forbidden('只能管理本人辖区内的队伍')
    return t
  }

  private async checkMembers(path: string, memberIds: string[], leaderId: string | null | undefined) {
    const ok = new Set(await repo.eligibleVolunteers(this.db, memberIds, path))
    const bad = memberIds.filter((id) => !ok.has(id))
    if (bad.length)
      throw badRequest(
        'MEMBER_NOT_ELIGIBLE',
        '队员须为居住在本队所属区域内的志愿者',
        bad.map((id) => ({ path: 'memberIds', message: 'not a volunteer residing in the team area', userId: id })),
      )
    if (leaderId && !memberIds.includes(leaderId)) throw badRequest('VALIDATION_FAILED', '队长须为本队队员', [{ path: 'leaderId', message: 'must be one of memberIds' }])
  }

  async list(actor: Actor, q: { regionCode?: string; mine?: boolean }) {
    requirePermission(actor, 'tasks.read')
    let underPath: string | undefined
    if (this.isStaff(actor) && !q.mine) {
      underPath = actor.regionPath
      if (q.regionCode) {
        const r = await repo.regionByCode(this.db, q.regionCode)
        if (!r || !pathInScope(scopeOf(actor), r.path)) return { items: [], total: 0 }
        underPath = r.path
      }
    }
    const rows = await repo.listTeams(this.db, underPath !== undefined ? { underPath } : { memberId: actor.userId })
    const members = await repo.membersOf(
      this.db,
      rows.map((r) => r.id),
    )
    return { items: rows.map((r) => mapTeam(r, members)), total: rows.length }
  }

  async get(actor: Actor, id: string): Promise<Team> {
    const t = await this.visible(actor, id)
    return mapTeam(t, await repo.membersOf(this.db, [id]))
  }

  async create(actor: Actor, body: CreateTeam): Promise<Team> {
    requirePermission(actor, 'tasks.publish')
    const region = await repo.regionByCode(this.db, body.regionCode)
    if (!region) throw badRequest('UNKNOWN_REGION', `没有这个行政区划: ${body.regionCode}`)
    if (!pathInScope(scopeOf(actor), region.path)) throw forbidden('只能在本人辖区内建立队伍')
    const memberIds = body.memberIds ?? []
    await this.checkMembers(region.path, memberIds, body.leaderId)
    const id = await this.db.transaction().execute(async (trx) => {
      const id = await repo.insertTeam(trx, {
        name: body.name.trim(),
        kind: body.kind,
        regionId: region.id,
        description: body.description?.trim() ?? '',
        leaderId: body.leaderId ?? null,
        createdBy: actor.userId,
      })
      await repo.setMembers(trx, id, memberIds)
      return id
    })
    return this.get(actor, id)
  }

  async update(actor: Actor, id: string, body: UpdateTeam): Promise<Team> {
    const t = await this.writable(actor, id)
    const current = (await repo.membersOf(this.db, [id])).map((m) => m.user_id)
    const memberIds = body.memberIds ?? current
    const leaderId = body.leaderId !== undefined ? body.leaderId : memberIds.includes(t.leader_id ?? '') ? t.leader_id : null
    // Only the new members are checked: someone who moved away stays until removed.
    const added = memberIds.filter((m) => !current.includes(m))
    await this.checkMembers(t.region_path, added, null)
    if (leaderId && !memberIds.includes(leaderId)) throw badRequest('VALIDATION_FAILED', '队长须为本队队员', [{ path: 'leaderId', message: 'must be one of memberIds' }])
    await this.db.transaction().execute(async (trx) => {
      await repo.updateTeam(trx, id, { name: body.name?.trim(), kind: body.kind, description: body.description?.trim(), leaderId })
      if (body.memberIds) await repo.setMembers(trx, id, memberIds)
    })
    return this.get(actor, id)
  }

  async remove(actor: Actor, id: string) {
    await this.writable(actor, id)
    await repo.archiveTeam(this.db, id)
    return { ok: true as const }
  }

  async candidates(actor: Actor, q: { regionCode: string; q?: string }) {
    requirePermission(actor, 'tasks.publish')
    const region = await repo.regionByCode(this.db, q.regionCode)
    if (!region || !pathInScope(scopeOf(actor), region.path)) return { items: [] }
    const rows = await repo.candidates(this.db, region.path, q.q?.trim() || undefined)
    return { items: rows.map((r) => ({ userId: r.user_id, name: r.name, isPartyMember: r.is_party_member, isYouthLeague: r.is_youth_league })) }
  }

  // ---- the rota ----

  async rota(actor: Actor, id: string, now = new Date()): Promise<Rota> {
    await this.visible(actor, id)
    const today = localDate(now)
    const slots = await repo.slotsOf(this.db, [id])
    const exceptions = await repo.exceptionsOf(this.db, [id], addDays(today, -7), addDays(today, 366))
    return {
      teamId: id,
      slots: slots.map((s) => ({ id: s.id, weekday: s.weekday, start: s.start_time, end: s.end_time, place: s.place, userId: s.user_id, userName: s.user_name, note: s.note })),
      exceptions: exceptions.map((e) => ({
        id: e.id,
        date: e.date,
        slotId: e.slot_id,
        cancelled: e.cancelled,
        start: e.start_time,
        end: e.end_time,
        place: e.place,
        userId: e.user_id,
        userName: e.user_name,
        note: e.note,
      })),
    }
  }

  /** Whoever is named on duty must be a member of the team. */
  private async checkOnDuty(teamId: string, userIds: (string | null | undefined)[], path: string) {
    const members = new Set((await repo.membersOf(this.db, [teamId])).map((m) => m.user_id))
    const bad = userIds.filter((u): u is string => !!u && !members.has(u))
    if (bad.length)
      throw badRequest(
        'MEMBER_NOT_ELIGIBLE',
        '值班人须为本队队员',
        bad.map((userId) => ({ path, message: 'not a member of the team', userId })),
      )
  }

  async putRota(actor: Actor, id: string, body: PutRota, now = new Date()): Promise<Rota> {
    await this.writable(actor, id)
    body.slots.forEach((s, i) => {
      if (s.end <= s.start) throw badRequest('VALIDATION_FAILED', '结束时间须晚于开始时间', [{ path: `slots/${i}/end`, message: 'must be after start' }])
    })
    await this.checkOnDuty(
      id,
      body.slots.map((s) => s.userId),
      'slots',
    )
    await this.db.transaction().execute((trx) =>
      repo.replaceSlots(
        trx,
        id,
        body.slots.map((s) => ({ weekday: s.weekday, start: s.start, end: s.end, place: s.place?.trim() ?? '', userId: s.userId ?? null, note: s.note?.trim() ?? '' })),
      ),
    )
    return this.rota(actor, id, now)
  }

  async addException(actor: Actor, id: string, body: RotaExceptionInput, now = new Date()): Promise<Rota> {
    await this.writable(actor, id)
    if (body.slotId) {
      const slot = (await repo.slotsOf(this.db, [id])).find((s) => s.id === body.slotId)
      if (!slot) throw badRequest('VALIDATION_FAILED', '没有这个值班时段', [{ path: 'slotId', message: 'not a slot of this team' }])
      if (slot.weekday !== isoWeekday(body.date)) throw badRequest('VALIDATION_FAILED', '该日期不是这个时段的星期', [{ path: 'date', message: 'not on the slot’s weekday' }])
    } else if (!body.start || !body.end) {
      throw badRequest('VALIDATION_FAILED', '加班值班须填写开始和结束时间', [{ path: body.start ? 'end' : 'start', message: 'required without slotId' }])
    }
    if (body.start && body.end && body.end <= body.start) throw badRequest('VALIDATION_FAILED', '结束时间须晚于开始时间', [{ path: 'end', message: 'must be after start' }])
    await this.checkOnDuty(id, [body.userId], 'userId')
    await repo.insertException(this.db, {
      teamId: id,
      date: body.date,
      slotId: body.slotId ?? null,
      cancelled: !!body.cancelled,
      start: body.start ?? null,
      end: body.end ?? null,
      place: body.place?.trim() || null,
      userId: body.userId ?? null,
      note: body.note?.trim() ?? '',
      createdBy: actor.userId,
    })
    return this.rota(actor, id, now)
  }

  async deleteException(actor: Actor, id: string, exceptionId: string, now = new Date()): Promise<Rota> {
    await this.writable(actor, id)
    if (!(await repo.deleteException(this.db, id, exceptionId))) throw notFound('例外安排')
    return this.rota(actor, id, now)
  }

  /**
   * Who is on duty: on `date`, or from `from` to `to` (≤ 31 days; default this week), over the teams the actor
   * reads — staff: their area's (or one region's, or one team's); a volunteer: their own teams.
   */
  async duty(actor: Actor, q: { date?: string; from?: string; to?: string; regionCode?: string; teamId?: string }, now = new Date()): Promise<DutyList> {
    requirePermission(actor, 'tasks.read')
    const today = localDate(now)
    const from = q.date ?? q.from ?? today
    const to = q.date ?? q.to ?? addDays(from, 6)
    if (to < from) throw badRequest('VALIDATION_FAILED', '结束日期须不早于开始日期', [{ path: 'to', message: 'must not be before from' }])
    if (daysBetween(from, to) >= MAX_DUTY_DAYS) throw badRequest('VALIDATION_FAILED', `一次最多查询 ${MAX_DUTY_DAYS} 天`, [{ path: 'to', message: `at most ${MAX_DUTY_DAYS} days` }])
    let teams: { id: string; name: string; kind: string }[]
    if (q.teamId) teams = [await this.visible(actor, q.teamId)]
    else teams = (await this.list(actor, { regionCode: q.regionCode })).items
    const ids = teams.map((t) => t.id)
    const byId = new Map(teams.map((t) => [t.id, t]))
    const lines = dutiesIn(from, to, await repo.slotsOf(this.db, ids), await repo.exceptionsOf(this.db, ids, from, to))
    const items: Duty[] = lines.map((l) => ({ ...l, teamName: byId.get(l.teamId)!.name, teamKind: byId.get(l.teamId)!.kind as Duty['teamKind'] }))
    return { from, to, items }
  }
}
