import {
  type AddDecision,
  type CreateCase,
  type CreateMeeting,
  type CreateTask,
  type Decision,
  type DecisionToCase,
  type DecisionToTask,
  type Meeting,
  type MeetingChoices,
  type MeetingSummary,
  type UpdateMeeting,
} from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import { localDate } from '../volunteer-teams/rota.ts'
import * as repo from './meetings.repository.ts'

/** What meetings need of the case engine and the tasks service: their own doors, with their own checks. */
export interface MeetingCases {
  create(actor: Actor, body: CreateCase): Promise<{ detail: { id: string } }>
  act(actor: Actor, id: string, action: string, body: unknown): Promise<unknown>
}
export interface MeetingTasks {
  publish(actor: Actor, body: CreateTask): Promise<{ id: string }>
}

const FINISHED_CASE = ['replied', 'closed', 'rejected', 'merged']
const FINISHED_TASK = ['done', 'cancelled']

function mapDecision(d: repo.DecisionRow, today: string): Decision {
  const open = d.case_state ? !FINISHED_CASE.includes(d.case_state) : d.task_state ? !FINISHED_TASK.includes(d.task_state) : true
  return {
    id: d.id,
    seq: d.seq,
    content: d.content,
    ownerUnitId: d.owner_unit_id,
    ownerUnitName: d.owner_unit_name,
    ownerName: d.owner_name,
    dueDate: d.due_date,
    kind: d.case_id ? 'case' : d.task_id ? 'task' : 'none',
    caseId: d.case_id,
    caseNumber: d.case_number,
    caseState: d.case_state,
    caseDueAt: d.case_due_at ? d.case_due_at.toISOString() : null,
    taskId: d.task_id,
    taskTitle: d.task_title,
    taskState: d.task_state,
    open,
    overdue: open && d.due_date < today,
  }
}

const summary = (m: repo.MeetingRow) => ({
  id: m.id,
  kind: m.kind as Meeting['kind'],
  regionCode: m.region_code,
  regionName: m.region_name,
  heldOn: m.held_on,
  title: m.title,
  place: m.place,
  reportRegionCode: m.report_region_code,
  reportWeek: m.report_week,
})

/**
 * 民情分析会 / 民情月商会 / 议事会 (issue 16). Staff read the meetings of their area (404 outside it); town handlers,
 * leaders and admins (`meetings.write`) hold them in their area and hand out decisions: each decision has an owner
 * and a due date and becomes a case — raised through the case intake in the meeting's region and dispatched to the
 * owner unit by the case engine's own `dispatch` (its clock sets the case's deadline) — or a task through the tasks
 * service. The meeting answers each decision's live progress, and the previous meeting of the same kind and region
 * with its decisions still open.
 */
export class MeetingsService {
  constructor(
    private db: Kysely<DB>,
    private cases: MeetingCases,
    private tasks: MeetingTasks,
  ) {}

  private async visible(actor: Actor, id: string) {
    requirePermission(actor, 'meetings.read')
    const m = await repo.findMeeting(this.db, id)
    if (!m || !pathInScope(scopeOf(actor), m.region_path)) throw notFound('会议')
    return m
  }

  private canWrite(actor: Actor, m: { region_path: string }) {
    return hasPermission(actor, 'meetings.write') && pathInScope(scopeOf(actor), m.region_path)
  }

  private async writable(actor: Actor, id: string) {
    const m = await this.visible(actor, id)
    if (!this.canWrite(actor, m)) throw forbidden('只有镇街工作人员、领导和管理员可以记录会议')
    return m
  }

  async list(actor: Actor, q: { regionCode?: string; kind?: string }): Promise<{ items: MeetingSummary[]; total: number }> {
    requirePermission(actor, 'meetings.read')
    let regionPath: string | undefined
    if (q.regionCode) {
      const r = await repo.regionByCode(this.db, q.regionCode)
      if (!r || !pathInScope(scopeOf(actor), r.path)) return { items: [], total: 0 }
      regionPath = r.path
    }
    const rows = await repo.listMeetings(this.db, { underPath: actor.regionPath, regionPath, kind: q.kind })
    const items = rows.map((m) => ({ ...summary(m), decisions: m.decisions, openDecisions: m.open_decisions }))
    return { items, total: items.length }
  }

  /** The staff who may attend a meeting of the region and the units that may own its decisions (meetings.write). */
  async choices(actor: Actor, regionCode: string): Promise<MeetingChoices> {
    requirePermission(actor, 'meetings.write')
    const r = await repo.regionByCode(this.db, regionCode)
    if (!r || !pathInScope(scopeOf(actor), r.path)) throw notFound('区域')
    const staff = await repo.staffFor(this.db, r.path)
    const units = await repo.unitsFor(this.db, actor.regionPath)
    return {
      staff: staff.map((u) => ({ id: u.id, name: u.name, regionName: u.region_name })),
      units: units.map((u) => ({ id: u.id, name: u.name, kind: u.kind, regionName: u.region_name })),
    }
  }

  async get(actor: Actor, id: string, now = new Date()): Promise<Meeting> {
    const m = await this.visible(actor, id)
    const today = localDate(now)
    const prev = await repo.previousMeeting(this.db, m)
    return {
      ...summary(m),
      minutes: m.minutes,
      guests: m.guests,
      attendees: (await repo.attendeesOf(this.db, m.id)).map((a) => ({ userId: a.user_id, name: a.name })),
      decisions: (await repo.decisionsOf(this.db, m.id)).map((d) => mapDecision(d, today)),
      previous: prev ? { id: prev.id, heldOn: prev.held_on, title: prev.title, openDecisions: (await repo.decisionsOf(this.db, prev.id, true)).map((d) => mapDecision(d, today)) } : null,
      canWrite: this.canWrite(actor, m),
    }
  }

  private async checkAttendees(ids: string[] | undefined, regionPath: string) {
    if (!ids?.length) return
    const known = new Set(await repo.knownAttendees(this.db, ids, regionPath))
    const bad = ids.filter((u) => !known.has(u))
    if (bad.length)
      throw badRequest(
        'UNKNOWN_USER',
        '参会人员须为本辖区或上级的工作人员',
        bad.map((userId) => ({ path: 'attendeeIds', message: 'unknown user', userId })),
      )
  }

  private checkReport(b: { reportRegionCode?: string | null; reportWeek?: string | null }) {
    if (b.reportRegionCode === undefined && b.reportWeek === undefined) return
    if (!b.reportRegionCode !== !b.reportWeek)
      throw badRequest('VALIDATION_FAILED', '讨论的周报须同时填写区域和周次', [{ path: b.reportWeek ? 'reportRegionCode' : 'reportWeek', message: 'required with the other' }])
  }

  async create(actor: Actor, body: CreateMeeting, now = new Date()): Promise<Meeting> {
    requirePermission(actor, 'meetings.write')
    const region = await repo.regionByCode(this.db, body.regionCode)
    if (!region) throw badRequest('UNKNOWN_REGION', `没有这个行政区划: ${body.regionCode}`, [{ path: 'regionCode', message: 'unknown region' }])
    if (!pathInScope(scopeOf(actor), region.path)) throw forbidden('只能记录本人辖区内的会议')
    this.checkReport(body)
    if (body.reportRegionCode) {
      const rr = await repo.regionByCode(this.db, body.reportRegionCode)
      if (!rr || !pathInScope(scopeOf(actor), rr.path)) throw badRequest('UNKNOWN_REGION', '没有这个周报区域', [{ path: 'reportRegionCode', message: 'unknown region' }])
    }
    await this.checkAttendees(body.attendeeIds, region.path)
    const id = await this.db.transaction().execute(async (trx) => {
      const mid = await repo.insertMeeting(trx, {
        kind: body.kind,
        regionId: region.id,
        heldOn: body.heldOn,
        title: body.title?.trim() ?? '',
        place: body.place?.trim() ?? '',
        reportRegionCode: body.reportRegionCode ?? null,
        reportWeek: body.reportWeek ?? null,
        minutes: body.minutes ?? '',
        guests: (body.guests ?? []).map((g) => g.trim()).filter(Boolean),
        createdBy: actor.userId,
      })
      if (body.attendeeIds?.length) await repo.setAttendees(trx, mid, body.attendeeIds)
      return mid
    })
    return this.get(actor, id, now)
  }

  async update(actor: Actor, id: string, body: UpdateMeeting, now = new Date()): Promise<Meeting> {
    const m = await this.writable(actor, id)
    this.checkReport({
      reportRegionCode: body.reportRegionCode ?? (body.reportWeek !== undefined ? m.report_region_code : undefined),
      reportWeek: body.reportWeek ?? (body.reportRegionCode !== undefined ? m.report_week : undefined),
    })
    if (body.reportRegionCode) {
      const rr = await repo.regionByCode(this.db, body.reportRegionCode)
      if (!rr || !pathInScope(scopeOf(actor), rr.path)) throw badRequest('UNKNOWN_REGION', '没有这个周报区域', [{ path: 'reportRegionCode', message: 'unknown region' }])
    }
    await this.checkAttendees(body.attendeeIds, m.region_path)
    await this.db.transaction().execute(async (trx) => {
      await repo.updateMeeting(trx, id, {
        heldOn: body.heldOn,
        title: body.title?.trim(),
        place: body.place?.trim(),
        reportRegionCode: body.reportRegionCode,
        reportWeek: body.reportWeek,
        minutes: body.minutes,
        guests: body.guests?.map((g) => g.trim()).filter(Boolean),
      })
      if (body.attendeeIds) await repo.setAttendees(trx, id, body.attendeeIds)
    })
    return this.get(actor, id, now)
  }

  /** A decision: its owner unit must be one the caller can see (their area's units, or one above it). */
  async addDecision(actor: Actor, id: string, body: AddDecision, now = new Date()): Promise<Meeting> {
    const m = await this.writable(actor, id)
    const content = body.content.trim()
    if (!content) throw badRequest('VALIDATION_FAILED', '请填写决定事项', [{ path: 'content', message: 'must not be blank' }])
    if (body.ownerUnitId) await this.ownerUnit(actor, body.ownerUnitId)
    if (!body.ownerUnitId && !body.ownerName?.trim()) throw badRequest('VALIDATION_FAILED', '请指定责任单位或责任人', [{ path: 'ownerUnitId', message: 'an owner is required' }])
    await this.db
      .transaction()
      .execute((trx) =>
        repo.insertDecision(trx, { meetingId: m.id, content, ownerUnitId: body.ownerUnitId ?? null, ownerName: body.ownerName?.trim() ?? '', dueDate: body.dueDate, createdBy: actor.userId }),
      )
    return this.get(actor, id, now)
  }

  private async ownerUnit(actor: Actor, unitId: string) {
    const u = await repo.unitById(this.db, unitId)
    if (!u || !(pathInScope(scopeOf(actor), u.region_path) || actor.regionPath.startsWith(u.region_path)))
      throw badRequest('UNKNOWN_UNIT', '没有这个责任单位', [{ path: 'ownerUnitId', message: 'unknown unit' }])
    return u
  }

  private async openDecision(actor: Actor, id: string, decisionId: string) {
    const m = await this.writable(actor, id)
    const d = await repo.findDecision(this.db, m.id, decisionId)
    if (!d) throw notFound('决定事项')
    if (d.case_id || d.task_id) throw conflict('DECISION_CONVERTED', '这项决定已转为事项或任务', { caseId: d.case_id, taskId: d.task_id })
    return { m, d }
  }

  /**
   * 转为事项: the case intake raises it in the meeting's region (channel walk_in; its client id is the decision's, so
   * a retry answers the same case), the decision is linked, and the case engine dispatches it to the owner unit
   * (its clock gives the deadline). Intake and dispatch are the engine's own transactions; a dispatch the caller may
   * not make leaves the case linked and waiting in the area's 待交办 queue.
   */
  async toCase(actor: Actor, id: string, decisionId: string, body: DecisionToCase, now = new Date()): Promise<Meeting> {
    const { m, d } = await this.openDecision(actor, id, decisionId)
    if (!d.owner_unit_id) throw badRequest('VALIDATION_FAILED', '转为事项须先指定责任单位', [{ path: 'ownerUnitId', message: 'required to make a case' }])
    const unit = await this.ownerUnit(actor, d.owner_unit_id)
    const label = { analysis: '民情分析会', monthly: '民情月商会', council: '议事会' }[m.kind] ?? '会议'
    const made = await this.cases.create(actor, {
      channel: 'walk_in',
      regionCode: m.region_code,
      title: body.title,
      description: `${label}(${m.held_on}${m.title ? ' ' + m.title : ''})决定:${d.content}\n责任单位:${unit.name};完成时限:${d.due_date}`,
      ...(body.categoryCode ? { categoryCode: body.categoryCode } : {}),
      ...(body.urgency ? { urgency: body.urgency } : {}),
      address: m.place || null,
      clientId: `meeting-decision-${d.id}`,
    })
    const caseId = made.detail.id
    // One guarded statement: a retry (same client id, same case) finds it linked already; another link wins otherwise.
    const linked = (await repo.linkDecision(this.db, d.id, { caseId })) || (await repo.findDecision(this.db, m.id, d.id))?.case_id === caseId
    if (!linked) throw conflict('DECISION_CONVERTED', '这项决定已转为事项或任务')
    await this.cases.act(actor, caseId, 'dispatch', { unitId: unit.id, note: `会议决定,完成时限 ${d.due_date}` })
    return this.get(actor, id, now)
  }

  /** 转为任务: published through the tasks service (its checks and notices) in the meeting's region, ending on the due date. */
  async toTask(actor: Actor, id: string, decisionId: string, body: DecisionToTask, now = new Date()): Promise<Meeting> {
    const { m, d } = await this.openDecision(actor, id, decisionId)
    const endsAt = `${d.due_date}T23:59:00+08:00`
    if (new Date(body.startsAt).getTime() >= new Date(endsAt).getTime())
      throw badRequest('VALIDATION_FAILED', '任务开始时间须早于完成时限', [{ path: 'startsAt', message: 'must be before the due date' }])
    const task = await this.tasks.publish(actor, {
      title: body.title,
      description: d.content,
      regionCode: m.region_code,
      ...(body.place || m.place ? { place: body.place || m.place } : {}),
      startsAt: body.startsAt,
      endsAt,
      slots: body.slots,
      audience: 'any',
    })
    // One guarded statement: a concurrent conversion that linked first wins (this task then stands alone).
    if (!(await repo.linkDecision(this.db, d.id, { taskId: task.id }))) throw conflict('DECISION_CONVERTED', '这项决定已转为事项或任务')
    return this.get(actor, id, now)
  }
}
