import { randomUUID } from 'node:crypto'
import type { Activity, ActivitySession, AddLedgerItem, Announcement, CreateActivity, CreateCase, CreateTask, LedgerItem, SaveSession } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB, Executor } from '../../db/types.ts'
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import type { Notifier } from '../notifications/notifier.ts'
import { daysBetween, isOccurrence, localDate, nextOccurrences } from '../volunteer-teams/rota.ts'
import type { TeamsService } from '../volunteer-teams/teams.service.ts'
import * as repo from './activities.repository.ts'

/**
 * What the ledger needs of the case engine and the tasks service: their own doors, with their own checks. Each
 * runs the ledger's write (`within`) in its own transaction, so the case or task and the item marked with it
 * commit together or not at all.
 */
export interface LedgerCaseIntake {
  create(actor: Actor, body: CreateCase, now: Date | undefined, within: (trx: Executor, caseId: string) => Promise<void>): Promise<{ detail: { id: string } }>
}
export interface LedgerTasks {
  publish(actor: Actor, body: CreateTask, within: (trx: Executor, taskId: string) => Promise<void>): Promise<{ id: string }>
}

const KIND_LABELS: Record<Activity['kind'], string> = { minqing_day: '民情日', minqing_corner: '民情角', youth_day: '青春民情活动日', other: '活动' }
const WEEKDAYS = ['', '一', '二', '三', '四', '五', '六', '日']

/** 每周三 14:00–17:00 / 每月 15 日 / 2026年12月9日 (周三) … */
function whenText(a: { recurrence: string; first_date: string; until_date: string | null; weekdays: number[]; month_day: number | null; start_time: string; end_time: string }) {
  const time = `${a.start_time}–${a.end_time}`
  const cn = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`
  if (a.recurrence === 'once') return `${cn(a.first_date)} ${time}`
  const rule = a.recurrence === 'weekly' ? `每周${a.weekdays.map((w) => WEEKDAYS[w]).join('、')}` : `每月${a.month_day}日`
  return `${rule} ${time}(${cn(a.first_date)}起${a.until_date ? `至${cn(a.until_date)}` : ''})`
}

function mapActivity(a: repo.ActivityRow, today: string): Activity {
  return {
    id: a.id,
    title: a.title,
    kind: a.kind as Activity['kind'],
    regionCode: a.region_code,
    regionName: a.region_name,
    place: a.place,
    description: a.description,
    recurrence: a.recurrence as Activity['recurrence'],
    date: a.first_date,
    until: a.until_date,
    weekdays: a.weekdays,
    monthDay: a.month_day,
    start: a.start_time,
    end: a.end_time,
    teamId: a.team_id,
    teamName: a.team_name,
    audience: a.audience as Activity['audience'],
    state: a.state as Activity['state'],
    publishedAt: a.published_at ? a.published_at.toISOString() : null,
    nextDates: nextOccurrences(a, today, 5),
    sessionCount: a.session_count,
  }
}

function mapItem(i: repo.LedgerRow): LedgerItem {
  return {
    id: i.id,
    content: i.content,
    raisedBy: i.raised_by,
    outcome: i.outcome as LedgerItem['outcome'],
    answer: i.answer,
    caseId: i.case_id,
    caseNumber: i.case_number,
    caseState: i.case_state,
    taskId: i.task_id,
    taskTitle: i.task_title,
    createdAt: i.created_at.toISOString(),
  }
}

/**
 * 民情日 / 民情角 / 青春民情活动日 (issue 15). Staff with `tasks.publish` create activities in their area, publish them
 * (in-app notices to the audience in one statement, a WeChat text and a poster), and keep each session's 服务台账:
 * who came, how many residents, what was raised and what became of it — answered on the spot, a case (through the
 * case intake, channel walk_in) or a task (through the tasks service). Volunteers read the published activities
 * of the area they reside in and those of their teams; everything else is 404.
 */
export class ActivitiesService {
  constructor(
    private db: Kysely<DB>,
    private notifier: Notifier,
    private teams: TeamsService,
    private cases: LedgerCaseIntake,
    private tasks: LedgerTasks,
  ) {}

  private isStaff(actor: Actor) {
    return hasPermission(actor, 'tasks.publish')
  }

  private async homePath(userId: string) {
    const r = await this.db
      .selectFrom('users as u')
      .innerJoin('regions as ar', 'ar.id', 'u.region_id')
      .leftJoin('regions as rr', 'rr.id', 'u.residence_region_id')
      .select(['ar.path as account', 'rr.path as residence'])
      .where('u.id', '=', userId)
      .executeTakeFirst()
    return r?.residence ?? r?.account ?? ''
  }

  /** The activity if the actor may read it, else 404. */
  private async visible(actor: Actor, id: string) {
    requirePermission(actor, 'tasks.read')
    const a = await repo.findActivity(this.db, id)
    if (!a) throw notFound('活动')
    if (this.isStaff(actor) && pathInScope(scopeOf(actor), a.region_path)) return a
    if (a.state === 'published') {
      const mine = await repo.listActivities(this.db, { volunteerId: actor.userId, homePath: await this.homePath(actor.userId) })
      if (mine.some((m) => m.id === id)) return a
    }
    throw notFound('活动')
  }

  private async writable(actor: Actor, id: string) {
    const a = await this.visible(actor, id)
    if (!this.isStaff(actor) || !pathInScope(scopeOf(actor), a.region_path)) throw forbidden('只能管理本人辖区内的活动')
    return a
  }

  async list(actor: Actor, q: { regionCode?: string; state?: string; upcoming?: boolean }, now = new Date()) {
    requirePermission(actor, 'tasks.read')
    const today = localDate(now)
    let regionPath: string | undefined
    if (q.regionCode) {
      const r = await repo.regionByCode(this.db, q.regionCode)
      if (!r) return { items: [], total: 0 }
      regionPath = r.path
    }
    const where = this.isStaff(actor) ? { underPath: actor.regionPath } : { volunteerId: actor.userId, homePath: await this.homePath(actor.userId) }
    let items = (await repo.listActivities(this.db, { ...where, regionPath, state: q.state, fromDate: q.upcoming ? today : undefined })).map((a) => mapActivity(a, today))
    if (q.upcoming) items = items.filter((a) => a.nextDates.length > 0).sort((a, b) => a.nextDates[0]!.localeCompare(b.nextDates[0]!))
    return { items, total: items.length }
  }

  async get(actor: Actor, id: string, now = new Date()): Promise<Activity> {
    return mapActivity(await this.visible(actor, id), localDate(now))
  }

  async create(actor: Actor, body: CreateActivity, now = new Date()): Promise<Activity> {
    requirePermission(actor, 'tasks.publish')
    const region = await repo.regionByCode(this.db, body.regionCode)
    if (!region) throw badRequest('UNKNOWN_REGION', `没有这个行政区划: ${body.regionCode}`)
    if (!pathInScope(scopeOf(actor), region.path)) throw forbidden('只能在本人辖区内发布活动')
    if (body.end <= body.start) throw badRequest('VALIDATION_FAILED', '结束时间须晚于开始时间', [{ path: 'end', message: 'must be after start' }])
    if (body.until && body.until < body.date) throw badRequest('VALIDATION_FAILED', '截止日期须不早于开始日期', [{ path: 'until', message: 'must not be before date' }])
    if (body.recurrence === 'weekly' && !body.weekdays?.length) throw badRequest('VALIDATION_FAILED', '每周活动须选择星期', [{ path: 'weekdays', message: 'required for weekly' }])
    if (body.recurrence === 'monthly' && !body.monthDay) throw badRequest('VALIDATION_FAILED', '每月活动须选择日期', [{ path: 'monthDay', message: 'required for monthly' }])
    if (body.audience === 'team' && !body.teamId) throw badRequest('VALIDATION_FAILED', '面向队伍的活动须选择队伍', [{ path: 'teamId', message: 'required for audience team' }])
    if (body.teamId) {
      // A host team of another area reads as unknown (the caller cannot see it).
      const team = await this.teams.visible(actor, body.teamId).catch(() => null)
      if (!team || !pathInScope(scopeOf(actor), team.region_path)) throw badRequest('UNKNOWN_TEAM', '没有这个队伍', [{ path: 'teamId', message: 'unknown team' }])
    }
    const id = await repo.insertActivity(this.db, {
      title: body.title.trim(),
      kind: body.kind,
      place: body.place?.trim() ?? '',
      regionId: region.id,
      description: body.description?.trim() ?? '',
      recurrence: body.recurrence,
      firstDate: body.date,
      untilDate: body.recurrence === 'once' ? null : (body.until ?? null),
      weekdays: body.recurrence === 'weekly' ? [...body.weekdays!].sort() : [],
      monthDay: body.recurrence === 'monthly' ? body.monthDay! : null,
      start: body.start,
      end: body.end,
      teamId: body.teamId ?? null,
      audience: body.audience,
      createdBy: actor.userId,
    })
    return this.get(actor, id, now)
  }

  private announcement(a: repo.ActivityRow, base: string, notified: number, today: string): Announcement {
    const kindLabel = KIND_LABELS[a.kind as Activity['kind']]
    const when = whenText(a)
    const next = nextOccurrences(a, today, 1)[0]
    const reportUrl = `${base}/r/${a.region_code}`
    const lines = [
      `【${kindLabel}】${a.title}`,
      `⏰ 时间:${when}`,
      ...(next && a.recurrence !== 'once' ? [`📅 最近一次:${Number(next.slice(5, 7))}月${Number(next.slice(8, 10))}日`] : []),
      `📍 地点:${a.region_name}${a.place ? ' ' + a.place : ''}`,
      ...(a.team_name ? [`👥 接待:${a.team_name}`] : []),
      ...(a.description ? [a.description] : []),
      `有事请来现场反映,或扫描民情码随时反映:${reportUrl}`,
    ]
    return {
      activity: mapActivity(a, today),
      notified,
      wechatText: lines.join('\n'),
      poster: { title: a.title, kindLabel, when, place: a.place, host: a.team_name, regionName: a.region_name, reportUrl, qrPngUrl: `/api/qr/regions/${a.region_code}.png` },
    }
  }

  /** Publish (draft → published): the audience is told in-app in one statement; answers the WeChat text and the poster. A second publish tells nobody again. */
  async publish(actor: Actor, id: string, base: string, now = new Date()): Promise<Announcement> {
    const a = await this.writable(actor, id)
    if (a.state === 'cancelled') throw conflict('INVALID_TRANSITION', '活动已取消', { state: a.state })
    const rows = await this.db.transaction().execute(async (trx) => {
      if (!(await repo.markPublished(trx, id))) return []
      const when = whenText(a)
      return repo.notifyAudience(trx, {
        regionPath: a.region_path,
        audience: a.audience,
        teamId: a.team_id,
        title: `${KIND_LABELS[a.kind as Activity['kind']]}:${a.title}`,
        body: `${when},${a.region_name}${a.place ? ' ' + a.place : ''}。欢迎参加。`,
      })
    })
    await this.notifier.deliver(rows)
    return this.announcement((await repo.findActivity(this.db, id))!, base, rows.length, localDate(now))
  }

  /** The WeChat text and poster again (any reader of the activity; staff print it). */
  async getAnnouncement(actor: Actor, id: string, base: string, now = new Date()): Promise<Announcement> {
    return this.announcement(await this.visible(actor, id), base, 0, localDate(now))
  }

  // ---- sessions and their ledger ----

  async sessions(actor: Actor, id: string) {
    await this.writable(actor, id)
    const rows = await repo.sessionsOf(this.db, id)
    return { items: rows.map((s) => ({ id: s.id, date: s.date, residentsCount: s.residents_count, attendees: s.attendees, items: s.items, cases: s.cases, tasks: s.tasks, answered: s.answered })) }
  }

  private async sessionOf(a: repo.ActivityRow, date: string): Promise<ActivitySession> {
    const s = await repo.findSession(this.db, a.id, date)
    if (!s) throw notFound('活动台账')
    return {
      id: s.id,
      activityId: a.id,
      activityTitle: a.title,
      date: s.date,
      residentsCount: s.residents_count,
      notes: s.notes,
      attendees: (await repo.attendeesOf(this.db, s.id)).map((u) => ({ userId: u.user_id, name: u.name, roles: u.roles })),
      items: (await repo.itemsOf(this.db, s.id)).map(mapItem),
    }
  }

  async session(actor: Actor, id: string, date: string) {
    return this.sessionOf(await this.writable(actor, id), date)
  }

  /** A session's 台账 header: a date of the schedule, not in the future; attendees from the caller's area (or their superiors). */
  async saveSession(actor: Actor, id: string, date: string, body: SaveSession, now = new Date()) {
    const a = await this.writable(actor, id)
    if (a.state !== 'published') throw conflict('INVALID_TRANSITION', '活动发布后才能记台账', { state: a.state })
    if (!isOccurrence(a, date)) throw badRequest('NOT_A_SESSION_DATE', '这一天没有这个活动', [{ path: 'date', message: 'not a date of the schedule' }])
    if (date > localDate(now)) throw badRequest('FUTURE_DATE', '不能为未来的日期记台账', [{ path: 'date', message: 'in the future' }])
    if (body.attendeeIds) {
      const known = new Set(await repo.knownAttendees(this.db, body.attendeeIds, actor.regionPath, a.region_path))
      const bad = body.attendeeIds.filter((u) => !known.has(u))
      if (bad.length)
        throw badRequest(
          'UNKNOWN_USER',
          '参加人员须为本辖区的工作人员或志愿者',
          bad.map((userId) => ({ path: 'attendeeIds', message: 'unknown user', userId })),
        )
    }
    await this.db.transaction().execute(async (trx) => {
      const sid = await repo.upsertSession(trx, { activityId: id, date, residentsCount: body.residentsCount, notes: body.notes?.trim(), recordedBy: actor.userId })
      if (body.attendeeIds) await repo.setAttendees(trx, sid, body.attendeeIds)
    })
    return this.sessionOf(a, date)
  }

  /**
   * One ledger item. `case`: raised through the case intake (walk_in, the activity's region, the raiser as the
   * reporter); `task`: published through the tasks service (its own checks and notices) for the audience chosen —
   * any volunteer of the area, its party members, its league members, or a team (the activity's host team unless
   * another is named). Either way the item is written inside the case's or the task's own transaction: both
   * commit, or neither (a refused case or task leaves no item; an item that fails leaves no case or task).
   */
  async addItem(actor: Actor, id: string, date: string, body: AddLedgerItem) {
    const a = await this.writable(actor, id)
    const s = await repo.findSession(this.db, id, date)
    if (!s) throw notFound('活动台账')
    const content = body.content.trim()
    if (!content) throw badRequest('VALIDATION_FAILED', '请填写反映的事项', [{ path: 'content', message: 'must not be blank' }])
    const answer = body.answer?.trim() || null
    if (body.outcome === 'answered' && !answer) throw badRequest('VALIDATION_FAILED', '当场答复须填写答复内容', [{ path: 'answer', message: 'required for answered' }])
    if (body.outcome === 'case' && !body.case) throw badRequest('VALIDATION_FAILED', '转为事项须填写事项标题', [{ path: 'case', message: 'required for outcome case' }])
    if (body.outcome === 'task' && !body.task) throw badRequest('VALIDATION_FAILED', '转为任务须填写任务信息', [{ path: 'task', message: 'required for outcome task' }])
    if (body.outcome !== 'case' && body.case) throw badRequest('VALIDATION_FAILED', '只有转为事项时才填写事项', [{ path: 'case', message: 'only with outcome case' }])
    if (body.outcome !== 'task' && body.task) throw badRequest('VALIDATION_FAILED', '只有转为任务时才填写任务', [{ path: 'task', message: 'only with outcome task' }])
    const raisedBy = body.raisedBy?.trim() || null
    const item = { id: randomUUID(), sessionId: s.id, content, raisedBy, outcome: body.outcome, answer, caseId: null as string | null, taskId: null as string | null, createdBy: actor.userId }
    if (body.case) {
      await this.cases.create(
        actor,
        {
          channel: 'walk_in',
          regionCode: a.region_code,
          title: body.case.title,
          description: `${KIND_LABELS[a.kind as Activity['kind']]}「${a.title}」${date}:${content}`,
          ...(body.case.categoryCode ? { categoryCode: body.case.categoryCode } : {}),
          ...(body.case.urgency ? { urgency: body.case.urgency } : {}),
          ...(raisedBy ? { reporter: { name: raisedBy, ...(body.case.reporterPhone ? { phone: body.case.reporterPhone } : {}) } } : {}),
          address: a.place || null,
        },
        undefined,
        (trx, caseId) => repo.insertItem(trx, { ...item, caseId }),
      )
    } else if (body.task) {
      const audience = body.task.audience ?? 'any'
      if (audience !== 'team' && body.task.teamId) throw badRequest('VALIDATION_FAILED', '只有按队伍发布时才选择队伍', [{ path: 'task.teamId', message: 'only with audience team' }])
      const teamId = audience === 'team' ? (body.task.teamId ?? a.team_id ?? undefined) : undefined
      await this.tasks.publish(
        actor,
        {
          title: body.task.title,
          description: content,
          regionCode: a.region_code,
          ...(a.place ? { place: a.place } : {}),
          startsAt: body.task.startsAt,
          endsAt: body.task.endsAt,
          slots: body.task.slots,
          audience,
          ...(teamId ? { teamId } : {}),
          ...(body.task.hours !== undefined ? { hours: body.task.hours } : {}),
          ...(body.task.points !== undefined ? { points: body.task.points } : {}),
        },
        (trx, taskId) => repo.insertItem(trx, { ...item, taskId }),
      )
    } else await repo.insertItem(this.db, item)
    return this.sessionOf(a, date)
  }

  /** The ledger of a period (≤ 366 days) of the caller's area (or one region of it), for the XLSX export. */
  async ledger(actor: Actor, q: { regionCode?: string; from: string; to: string }) {
    requirePermission(actor, 'tasks.publish')
    if (q.to < q.from) throw badRequest('VALIDATION_FAILED', '结束日期须不早于开始日期', [{ path: 'to', message: 'must not be before from' }])
    if (daysBetween(q.from, q.to) > 366) throw badRequest('VALIDATION_FAILED', '一次最多导出一年', [{ path: 'to', message: 'at most 366 days' }])
    let path = actor.regionPath
    let name = ''
    if (q.regionCode) {
      const r = await repo.regionByCode(this.db, q.regionCode)
      if (!r || !pathInScope(scopeOf(actor), r.path)) throw notFound('区域')
      path = r.path
      name = r.name
    }
    return { regionName: name, rows: await repo.ledgerRows(this.db, { underPath: path, from: q.from, to: q.to }) }
  }
}
