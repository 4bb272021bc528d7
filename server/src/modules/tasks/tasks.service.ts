import { CASE_PHOTO_MAX_BYTES, type Claim, type CreateTask, type CreateWish, type Task, TASK_PHOTOS_MAX, type TaskClaimant, type TaskPhoto, type VolunteerRecord } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { insertFile } from '../../platform/files.repository.ts'
import { maskPhone } from '../../platform/identifiers.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import type { Storage } from '../../platform/storage.ts'
import { assertPhoto, EXTENSION_OF, type Upload } from '../../platform/uploads.ts'
import type { Notifier } from '../notifications/notifier.ts'
import * as repo from './tasks.repository.ts'

/**
 * What tasks need of the case engine: its read (visibility), its actions (the reply a finished task gives) and its
 * photo upload (the finish report's photos become the confirmer's result photos on the case, as a reply's are).
 */
export interface TaskCaseEngine {
  get(actor: Actor, id: string): Promise<{ id: string; state: string; files: { id: string }[] }>
  act(actor: Actor, id: string, action: string, body: unknown, now?: Date): Promise<unknown>
  addFile(actor: Actor, caseId: string, upload: Upload): Promise<{ files: { id: string }[] }>
}

/** A name as the public reads it: the family name, then one * per further character (王** for 王小明). */
const maskName = (name: string) => {
  const chars = [...name.trim()]
  return chars.length <= 1 ? chars.join('') : chars[0] + '*'.repeat(chars.length - 1)
}
/** An ID-card number or a mobile number in free text: a wish's public text must carry neither. */
const ID_NUMBER = /(?<!\d)\d{17}[\dXx](?!\d)/
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/

const num = (v: string | number) => Number(v)
const iso = (d: Date | null) => (d ? d.toISOString() : null)

function mapTask(r: repo.TaskRow): Task {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    regionCode: r.region_code,
    regionName: r.region_name,
    place: r.place,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    slots: r.slots,
    claimed: r.claimed,
    remaining: r.slots - r.claimed,
    audience: r.audience as Task['audience'],
    skills: r.skills,
    points: r.points,
    hours: num(r.hours),
    caseId: r.case_id,
    teamId: r.team_id,
    state: r.state as Task['state'],
    publishedBy: r.published_by,
    createdAt: r.created_at.toISOString(),
    myClaim: (r.my_claim as Task['myClaim']) ?? null,
    kind: r.kind as Task['kind'],
    beneficiary: r.person_id ? { name: maskName(r.person_name ?? ''), tags: r.person_tags ?? [] } : null,
    cancelReason: r.cancel_reason,
  }
}

const photoUrl = (taskId: string, photoId: string) => `/api/tasks/${taskId}/photos/${photoId}`
const place = (lat: number | null, lng: number | null) => (lat != null && lng != null ? { lat, lng } : null)

function mapClaim(c: repo.ClaimRow, remaining: number): Claim {
  return {
    taskId: c.task_id,
    userId: c.user_id,
    state: c.state as Claim['state'],
    claimedAt: c.claimed_at.toISOString(),
    checkinAt: iso(c.checkin_at),
    checkoutAt: iso(c.checkout_at),
    finishedAt: iso(c.finished_at),
    report: c.report,
    hours: num(c.hours),
    points: c.points,
    remaining,
  }
}

/** Postgres unique violation: a second claim racing the first of the same person. */
const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505'

/**
 * 先锋任务 (issue 15): staff publish a task for an area (with `tasks.publish`), every eligible volunteer residing
 * there gets a notice; volunteers claim first come, first served — never more claims than slots, enforced by the
 * database (one conditional UPDATE, a unique claim per person) —, check in and out, finish with a report; the
 * publisher's side confirms, which credits hours and points and, for a task made from a case, replies the case
 * through the case engine. Reads: staff see tasks in their subtree; a volunteer the tasks whose area holds their
 * residence; anything else is 404.
 */
export class TasksService {
  constructor(
    private db: Kysely<DB>,
    private notifier: Notifier,
    private cases: TaskCaseEngine,
    private storage?: Storage,
  ) {}

  private requireStorage() {
    if (!this.storage) throw new Error('the tasks service was built without storage: photos cannot be kept')
    return this.storage
  }

  private isStaff(actor: Actor) {
    return hasPermission(actor, 'tasks.publish') || hasPermission(actor, 'tasks.confirm')
  }

  /** The task if the actor may see it, else 404. */
  private async visible(actor: Actor, id: string, db: Kysely<DB> = this.db) {
    requirePermission(actor, 'tasks.read')
    return this.inSight(actor, await repo.findTask(db, id, actor.userId))
  }

  /** A task in the caller's area, or one a volunteer living in its area may claim; 404 otherwise. */
  private inSight<T extends { region_path: string; my_home_path: string | null }>(actor: Actor, t: T | undefined): T {
    if (!t) throw notFound('任务')
    if (pathInScope(scopeOf(actor), t.region_path)) return t
    if (hasPermission(actor, 'tasks.claim') && t.my_home_path?.startsWith(t.region_path)) return t
    throw notFound('任务')
  }

  /**
   * `within`: the caller's own write that must stand or fall with the task (a ledger item marked with it), run in
   * the publishing transaction before it commits; the notices go out after the commit.
   */
  async publish(actor: Actor, body: CreateTask, within?: (trx: repo.Tx, taskId: string) => Promise<void>): Promise<Task> {
    requirePermission(actor, 'tasks.publish')
    const startsAt = new Date(body.startsAt)
    const endsAt = new Date(body.endsAt)
    if (!(endsAt > startsAt)) throw badRequest('VALIDATION_FAILED', '结束时间须晚于开始时间', [{ path: 'endsAt', message: 'must be after startsAt' }])
    const region = await repo.regionByCode(this.db, body.regionCode)
    if (!region) throw badRequest('UNKNOWN_REGION', `没有这个行政区划: ${body.regionCode}`)
    if (!pathInScope(scopeOf(actor), region.path)) throw forbidden('只能在本人辖区内发布任务')
    // audience 'team': a team of the task's area (its members reside there); a team out of it reads as unknown.
    if (body.audience === 'team' && !body.teamId) throw badRequest('VALIDATION_FAILED', '按队伍发布须选择队伍', [{ path: 'teamId', message: 'required for audience team' }])
    if (body.audience !== 'team' && body.teamId) throw badRequest('VALIDATION_FAILED', '只有按队伍发布时才选择队伍', [{ path: 'teamId', message: 'only with audience team' }])
    const team = body.teamId ? await repo.teamArea(this.db, body.teamId) : undefined
    if (body.teamId && !team?.path.startsWith(region.path)) throw badRequest('UNKNOWN_TEAM', '任务区域内没有这个队伍', [{ path: 'teamId', message: 'no such team in the task area' }])
    // A case becomes a task only if the publisher can see it (404 as the case engine answers otherwise).
    if (body.caseId) await this.cases.get(actor, body.caseId)
    const title = body.title.trim()
    const { id, rows } = await this.db.transaction().execute(async (trx) => {
      const id = await repo.insertTask(trx, {
        title,
        description: body.description?.trim() ?? '',
        regionId: region.id,
        place: body.place?.trim() || null,
        startsAt,
        endsAt,
        slots: body.slots,
        audience: body.audience,
        skills: [...new Set((body.skills ?? []).map((s) => s.trim()).filter(Boolean))],
        points: body.points ?? 0,
        hours: body.hours ?? 0,
        caseId: body.caseId ?? null,
        publishedBy: actor.userId,
        teamId: body.teamId ?? null,
      })
      await repo.insertEvent(trx, {
        taskId: id,
        action: 'publish',
        actorId: actor.userId,
        data: { slots: body.slots, audience: body.audience, caseId: body.caseId ?? null, teamId: body.teamId ?? null },
      })
      await within?.(trx, id)
      const rows = await this.notifier.recordFor(trx, repo.eligibleVolunteers({ regionPath: region.path, audience: body.audience, teamId: body.teamId }), {
        kind: 'task.published',
        // A team's task says so: its members read that it is theirs (无关的人收不到).
        title: `您收到一条${team ? team.name : region.name}先锋任务认领邀请`,
        body: `您收到一条${team ? `${team.name}的` : ''}先锋任务「${title}」的认领任务,共 ${body.slots} 个名额,先到先得。`,
        caseId: null,
        taskId: id,
      })
      return { id, rows }
    })
    await this.notifier.deliver(rows)
    return this.get(actor, id)
  }

  async get(actor: Actor, id: string): Promise<Task> {
    return mapTask(await this.visible(actor, id))
  }

  async list(actor: Actor, q: { regionCode?: string; state?: string; kind?: string; limit?: number; offset?: number }) {
    requirePermission(actor, 'tasks.read')
    const page = { limit: q.limit ?? 50, offset: q.offset ?? 0 }
    let regionPath: string | undefined
    if (q.regionCode) {
      const r = await repo.regionByCode(this.db, q.regionCode)
      if (!r) return { items: [], total: 0 }
      regionPath = r.path
    }
    let where: { underPath?: string; abovePath?: string }
    if (this.isStaff(actor)) where = { underPath: actor.regionPath }
    else {
      const v = await repo.volunteerOf(this.db, actor.userId)
      where = { abovePath: v!.home_path }
    }
    const { items, total } = await repo.listTasks(this.db, { userId: actor.userId, ...where, regionPath, state: q.state, kind: q.kind, ...page })
    return { items: items.map(mapTask), total }
  }

  /**
   * 抢单. Checks in order: 404 out of sight, 403 not of the audience, 409 already_claimed, 409 task_cancelled,
   * 409 task_full (from the one read of the task, the claim and the volunteer — no lock, so a full task answers
   * after one query); then ONE transaction: the conditional UPDATE takes a slot or answers task_full, and the
   * claim row (unique per person) is written with its event.
   */
  async claim(actor: Actor, id: string, now = new Date()): Promise<Claim> {
    requirePermission(actor, 'tasks.claim')
    requirePermission(actor, 'tasks.read')
    // The slim read (repo.findClaimCheck): a crowd's 409s answer after it alone.
    const t = this.inSight(actor, await repo.findClaimCheck(this.db, id, actor.userId))
    if (!t.my_home_path?.startsWith(t.region_path)) throw forbidden('只有居住在任务区域内的志愿者可以认领', { reason: 'area' })
    if ((t.audience === 'party' && !t.my_party) || (t.audience === 'youth' && !t.my_youth) || (t.audience === 'team' && !t.my_team))
      throw forbidden(t.audience === 'party' ? '此任务仅限居住地党员认领' : t.audience === 'youth' ? '此任务仅限团员青年认领' : '此任务仅限指定队伍认领', { reason: 'audience', audience: t.audience })
    if (t.my_claim && t.my_claim !== 'withdrawn') throw conflict('ALREADY_CLAIMED', '您已认领过此任务')
    if (t.state === 'cancelled') throw conflict('TASK_CANCELLED', '任务已取消,不能认领', { reason: t.cancel_reason })
    if (t.state !== 'open' && t.state !== 'full') throw conflict('INVALID_TRANSITION', '任务已开始或已结束,不能再认领', { state: t.state })
    if (t.starts_at <= now) throw conflict('TASK_STARTED', '任务已开始,不能再认领')
    if (t.claimed >= t.slots) throw conflict('TASK_FULL', '名额已满', { slots: t.slots })
    try {
      return await this.db.transaction().execute(async (trx) => {
        const slot = await repo.takeSlot(trx, id)
        if (!slot) throw conflict('TASK_FULL', '名额已满', { slots: t.slots })
        const c = await repo.insertClaim(trx, id, actor.userId, now)
        if (!c) throw conflict('ALREADY_CLAIMED', '您已认领过此任务')
        await repo.insertEvent(trx, { taskId: id, action: 'claim', actorId: actor.userId, userId: actor.userId, data: { claimed: slot.claimed, slots: slot.slots } })
        return mapClaim(c, slot.slots - slot.claimed)
      })
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('ALREADY_CLAIMED', '您已认领过此任务')
      throw e
    }
  }

  /** Withdraw before the start: the slot is free again (a full task opens). After the start: 409 task_started. */
  async withdraw(actor: Actor, id: string, now = new Date()) {
    requirePermission(actor, 'tasks.claim')
    const t = await this.visible(actor, id)
    if (!t.my_claim || t.my_claim === 'withdrawn') throw notFound('认领')
    if (t.starts_at <= now || t.my_claim !== 'claimed') throw conflict('TASK_STARTED', '任务开始后不能退出认领', { startsAt: t.starts_at.toISOString() })
    return this.db.transaction().execute(async (trx) => {
      const c = await repo.setClaim(trx, id, actor.userId, ['claimed'], { state: 'withdrawn' })
      if (!c) throw notFound('认领')
      const slot = await repo.freeSlot(trx, id)
      await repo.insertEvent(trx, { taskId: id, action: 'withdraw', actorId: actor.userId, userId: actor.userId })
      return mapClaim(c, slot ? slot.slots - slot.claimed : 0)
    })
  }

  private async ownClaim(actor: Actor, id: string) {
    requirePermission(actor, 'tasks.claim')
    const t = await this.visible(actor, id)
    if (!t.my_claim || t.my_claim === 'withdrawn') throw notFound('认领')
    if (t.state === 'cancelled' || t.state === 'done') throw conflict('INVALID_TRANSITION', '任务已结束', { state: t.state })
    return t
  }

  private async step(
    actor: Actor,
    t: repo.TaskRow,
    from: string[],
    action: string,
    set: Parameters<typeof repo.setClaim>[4],
    data: Record<string, unknown>,
    also?: (trx: repo.Tx) => Promise<unknown>,
  ) {
    return this.db.transaction().execute(async (trx) => {
      const c = await repo.setClaim(trx, t.id, actor.userId, from, set)
      if (!c) throw conflict('INVALID_TRANSITION', '当前状态不能执行此操作', { claim: t.my_claim, action })
      await also?.(trx)
      if (action === 'checkin') await repo.setTaskState(trx, t.id, ['open', 'full'], 'in_progress')
      await repo.insertEvent(trx, { taskId: t.id, action, actorId: actor.userId, userId: actor.userId, data })
      return mapClaim(c, t.slots - t.claimed)
    })
  }

  async checkin(actor: Actor, id: string, body: { at?: string; lat?: number; lng?: number }, now = new Date()) {
    const t = await this.ownClaim(actor, id)
    const at = body.at ? new Date(body.at) : now
    return this.step(
      actor,
      t,
      ['claimed'],
      'checkin',
      { state: 'checked_in', checkinAt: at, checkinLat: body.lat ?? null, checkinLng: body.lng ?? null },
      { at: at.toISOString(), lat: body.lat ?? null, lng: body.lng ?? null },
    )
  }

  async checkout(actor: Actor, id: string, body: { at?: string; lat?: number; lng?: number }, now = new Date()) {
    const t = await this.ownClaim(actor, id)
    const at = body.at ? new Date(body.at) : now
    return this.step(
      actor,
      t,
      ['checked_in'],
      'checkout',
      { state: 'checked_out', checkoutAt: at, checkoutLat: body.lat ?? null, checkoutLng: body.lng ?? null },
      { at: at.toISOString(), lat: body.lat ?? null, lng: body.lng ?? null },
    )
  }

  /**
   * The finish report: text and the photos named by id — uploaded first (POST /api/tasks/:id/photos) by this very
   * claimer: a photo not of this task is 400 UNKNOWN_PHOTO, another claimer's 400 NOT_OWN_PHOTO (the codes of a
   * case reply's result photos). The photos become the report's in the same transaction as the claim's step.
   */
  async finish(actor: Actor, id: string, body: { report: string; photoIds?: string[] }, now = new Date()) {
    const t = await this.ownClaim(actor, id)
    const report = body.report.trim()
    if (!report) throw badRequest('VALIDATION_FAILED', '请填写完成情况', [{ path: 'report', message: 'must not be blank' }])
    const ids = [...new Set(body.photoIds ?? [])]
    const found = await repo.photosByIds(this.db, id, ids)
    const missing = ids.filter((x) => !found.some((f) => f.id === x))
    if (missing.length) throw badRequest('UNKNOWN_PHOTO', '照片不存在或不属于该任务,请先上传', { photoIds: missing })
    const others = found.filter((f) => f.user_id !== actor.userId).map((f) => f.id)
    if (others.length) throw badRequest('NOT_OWN_PHOTO', '只能附上本人上传的照片', { photoIds: others })
    return this.step(actor, t, ['checked_in', 'checked_out'], 'finish', { state: 'finished', finishedAt: now, report }, { length: report.length, photos: ids.length }, (trx) =>
      repo.markReported(trx, id, actor.userId, ids),
    )
  }

  /**
   * A photo for the finish report, uploaded by the claimer while the claim is live (JPEG/PNG/WebP, as case photos;
   * the blob goes to storage and a `files` row like every upload). At most 3 × TASK_PHOTOS_MAX per claimer.
   */
  async addPhoto(actor: Actor, id: string, upload: Upload): Promise<TaskPhoto> {
    const t = await this.ownClaim(actor, id)
    if (!['claimed', 'checked_in', 'checked_out', 'finished'].includes(t.my_claim!)) throw conflict('INVALID_TRANSITION', '当前状态不能上传照片', { claim: t.my_claim })
    const type = assertPhoto(upload.data, CASE_PHOTO_MAX_BYTES)
    if ((await repo.countPhotos(this.db, id, actor.userId)) >= 3 * TASK_PHOTOS_MAX) throw conflict('TOO_MANY_PHOTOS', `每人最多上传 ${3 * TASK_PHOTOS_MAX} 张照片`)
    const stored = await this.requireStorage().put(upload.data, { prefix: 'tasks', extension: EXTENSION_OF[type] })
    try {
      const photo = await this.db.transaction().execute(async (trx) => {
        const file = await insertFile(trx, stored, { filename: upload.filename.slice(0, 200) || 'photo', contentType: type, createdBy: actor.userId })
        const p = await repo.insertPhoto(trx, { taskId: id, userId: actor.userId, fileId: file.id })
        await repo.insertEvent(trx, { taskId: id, action: 'photo', actorId: actor.userId, userId: actor.userId, data: { photoId: p.id } })
        return p
      })
      return { id: photo.id, url: photoUrl(id, photo.id) }
    } catch (err) {
      await this.requireStorage()
        .remove(stored.key)
        .catch(() => {})
      throw err
    }
  }

  /** May the actor read every claim of this task (the publisher's side: staff of its area)? */
  private seesAllClaims(actor: Actor, t: repo.TaskRow) {
    return this.isStaff(actor) && pathInScope(scopeOf(actor), t.region_path)
  }

  /** A photo of the task: the publisher's side reads all, a claimer their own; anything else 404. */
  async photo(actor: Actor, id: string, photoId: string) {
    const t = await this.visible(actor, id)
    const f = await repo.photoFile(this.db, id, photoId)
    if (!f || !(this.seesAllClaims(actor, t) || f.user_id === actor.userId)) throw notFound('照片')
    return { file: f, stream: await this.requireStorage().get(f.storage_key) }
  }

  /**
   * The claimers of a task for the publisher's side: names, phones masked, state, check-in/out times and places,
   * the finish report and its photos. A volunteer reads only their own row (none if they hold no claim).
   */
  async claims(actor: Actor, id: string): Promise<{ items: TaskClaimant[] }> {
    const t = await this.visible(actor, id)
    const rows = await repo.claimsOf(this.db, id, this.seesAllClaims(actor, t) ? undefined : actor.userId)
    const photos = await repo.reportedPhotos(
      this.db,
      id,
      rows.map((r) => r.user_id),
    )
    return {
      items: rows.map((r) => ({
        userId: r.user_id,
        name: r.name,
        phone: maskPhone(r.phone),
        state: r.state as TaskClaimant['state'],
        claimedAt: r.claimed_at.toISOString(),
        checkinAt: iso(r.checkin_at),
        checkinPlace: place(r.checkin_lat, r.checkin_lng),
        checkoutAt: iso(r.checkout_at),
        checkoutPlace: place(r.checkout_lat, r.checkout_lng),
        finishedAt: iso(r.finished_at),
        report: r.report,
        photos: photos.filter((p) => p.user_id === r.user_id).map((p) => ({ id: p.id, url: photoUrl(id, p.id) })),
        confirmedAt: iso(r.confirmed_at),
        hours: num(r.hours),
        points: r.points,
      })),
    }
  }

  /**
   * The publisher's side cancels an open or full task, with a reason: the live claims end (withdrawn) and their
   * holders get a notice; a cancelled task can't be claimed (409 task_cancelled). Once started or done: 409.
   */
  async cancel(actor: Actor, id: string, body: { reason: string }): Promise<Task> {
    requirePermission(actor, 'tasks.publish')
    const t = await this.visible(actor, id)
    if (!pathInScope(scopeOf(actor), t.region_path)) throw forbidden('只能取消本人辖区内的任务')
    const reason = body.reason.trim()
    if (!reason) throw badRequest('VALIDATION_FAILED', '请填写取消原因', [{ path: 'reason', message: 'must not be blank' }])
    const rows = await this.db.transaction().execute(async (trx) => {
      if (!(await repo.setTaskState(trx, id, ['open', 'full'], 'cancelled', reason))) throw conflict('INVALID_TRANSITION', '任务已开始或已结束,不能取消', { state: t.state })
      const rows = await this.notifier.recordFor(trx, repo.liveClaimers(id), {
        kind: 'task.cancelled',
        title: `先锋任务「${t.title}」已取消`,
        body: `您认领的任务「${t.title}」已取消。原因: ${reason}`,
        caseId: null,
        taskId: id,
      })
      await repo.endClaims(trx, id)
      await repo.insertEvent(trx, { taskId: id, action: 'cancel', actorId: actor.userId, data: { reason, notified: rows.length } })
      return rows
    })
    await this.notifier.deliver(rows)
    return this.get(actor, id)
  }

  /**
   * 微心愿: a cadre records what a person of their area wishes and why; it goes out as a one-slot task of kind
   * `wish` for the person's village (a person kept at a grid: its village), to every volunteer residing there.
   * The person outside the cadre's area is 404 as if unknown. The public text never carries the person's ID
   * number or phone (400 PERSONAL_DATA if typed in) and shows the name masked (王**), also where it was typed.
   */
  async createWish(actor: Actor, body: CreateWish, now = new Date()): Promise<Task> {
    requirePermission(actor, 'tasks.publish')
    const person = await repo.personForWish(this.db, body.personId)
    if (!person || !pathInScope(scopeOf(actor), person.region_path)) throw notFound('人员')
    const masked = maskName(person.name)
    const clean = (v: string, path: string) => {
      if (ID_NUMBER.test(v) || MOBILE.test(v)) throw badRequest('PERSONAL_DATA', '心愿内容不能包含身份证号或手机号', [{ path, message: 'must not carry an ID or phone number' }])
      return person.name.trim() ? v.split(person.name.trim()).join(masked) : v
    }
    const title = clean(body.wish.trim(), 'wish')
    const description = clean(body.reason?.trim() ?? '', 'reason')
    const startsAt = body.startsAt ? new Date(body.startsAt) : new Date(now.getTime() + 3 * 86400_000)
    const endsAt = body.endsAt ? new Date(body.endsAt) : new Date(startsAt.getTime() + 11 * 86400_000)
    if (!(endsAt > startsAt)) throw badRequest('VALIDATION_FAILED', '结束时间须晚于开始时间', [{ path: 'endsAt', message: 'must be after startsAt' }])
    const region = person.region_level === 'grid' && person.parent_id ? person.parent_id : person.region_id
    const area = (await repo.regionById(this.db, region))!
    const { id, rows } = await this.db.transaction().execute(async (trx) => {
      const id = await repo.insertTask(trx, {
        title,
        description,
        regionId: area.id,
        place: body.place?.trim() || null,
        startsAt,
        endsAt,
        slots: 1,
        audience: 'any',
        skills: [],
        points: body.points ?? 0,
        hours: body.hours ?? 0,
        caseId: null,
        publishedBy: actor.userId,
        kind: 'wish',
        personId: person.id,
      })
      await repo.insertEvent(trx, { taskId: id, action: 'publish', actorId: actor.userId, data: { kind: 'wish', slots: 1, audience: 'any' } })
      const rows = await this.notifier.recordFor(trx, repo.eligibleVolunteers({ regionPath: area.path, audience: 'any' }), {
        kind: 'task.published',
        title: `您收到一条${area.name}微心愿认领邀请`,
        body: `微心愿「${title}」: 为${masked}圆一个心愿,1 个名额,先到先得。`,
        caseId: null,
        taskId: id,
      })
      return { id, rows }
    })
    await this.notifier.deliver(rows)
    return this.get(actor, id)
  }

  /**
   * The publisher's side confirms the finished claims (all, or the named ones): hours and points are credited and
   * the task is done. A task made from a case replies the case with the finish reports, through the case engine
   * (its own checks: the confirmer must be the one who may answer the case), before the task changes.
   */
  async confirm(actor: Actor, id: string, body: { userIds?: string[] }, now = new Date()) {
    requirePermission(actor, 'tasks.confirm')
    const t = await this.visible(actor, id)
    if (!pathInScope(scopeOf(actor), t.region_path)) throw forbidden('只能确认本人辖区内的任务')
    if (t.state === 'cancelled' || t.state === 'done') throw conflict('INVALID_TRANSITION', '任务已结束', { state: t.state })
    const reports = await repo.finishedReports(this.db, id, body.userIds)
    if (reports.length === 0) throw conflict('INVALID_TRANSITION', '没有待确认的完成报告')
    if (t.case_id) {
      // The case engine runs its own transaction (and its own checks: the confirmer must be the one who may answer
      // the case, 403/409 otherwise) — before the task changes, so a refused reply leaves the task as it was.
      const c = await this.cases.get(actor, t.case_id)
      if (c.state === 'accepted') {
        const result = `先锋任务「${t.title}」已完成。` + reports.map((r) => `${r.name}: ${r.report}`).join(';')
        const photoIds = await this.photosToCase(
          actor,
          t.id,
          c,
          reports.map((r) => r.user_id),
        )
        await this.cases.act(actor, t.case_id, 'reply', { result: result.slice(0, 5000), ...(photoIds.length ? { photoIds } : {}) }, now)
      }
    }
    const confirmed = await this.db.transaction().execute(async (trx) => {
      const users = await repo.confirmClaims(trx, id, actor.userId, now, body.userIds)
      if (users.length === 0) throw conflict('INVALID_TRANSITION', '没有待确认的完成报告')
      for (const u of users) await repo.insertEvent(trx, { taskId: id, action: 'confirm', actorId: actor.userId, userId: u, data: { hours: num(t.hours), points: t.points } })
      await repo.setTaskState(trx, id, ['open', 'full', 'in_progress'], 'done')
      await repo.insertEvent(trx, { taskId: id, action: 'done', actorId: actor.userId, data: { confirmed: users.length } })
      return users.length
    })
    return { confirmed, state: 'done' as const }
  }

  /**
   * The finish reports' photos go with the case's reply as its result photos: the confirmer adds them to the case
   * through the case engine's own upload (a timeline row `attach` each, the confirmer's as the one answering), up
   * to the reply's limit; their ids are the reply's photoIds.
   */
  private async photosToCase(actor: Actor, taskId: string, c: { id: string; files: { id: string }[] }, userIds: string[]) {
    const photos = (await repo.reportedPhotos(this.db, taskId, userIds)).slice(0, TASK_PHOTOS_MAX)
    const known = new Set(c.files.map((f) => f.id))
    const ids: string[] = []
    for (const p of photos) {
      const chunks: Buffer[] = []
      for await (const chunk of await this.requireStorage().get(p.storage_key)) chunks.push(chunk as Buffer)
      const detail = await this.cases.addFile(actor, c.id, { filename: p.filename, sniffedType: p.content_type, data: Buffer.concat(chunks), fields: {} })
      for (const f of detail.files)
        if (!known.has(f.id)) {
          known.add(f.id)
          ids.push(f.id)
        }
    }
    return ids
  }

  /** A volunteer's record: their own; staff see volunteers residing (or registered) in their area; others 404. */
  async record(actor: Actor, userId: string): Promise<VolunteerRecord> {
    const v = await repo.volunteerOf(this.db, userId)
    const own = actor.userId === userId
    if (!v || !(own || (this.isStaff(actor) && pathInScope(scopeOf(actor), v.home_path)))) throw notFound('志愿者')
    const rows = await repo.recordOf(this.db, userId)
    const confirmed = rows.filter((r) => r.state === 'confirmed')
    return {
      userId,
      name: v.name,
      hours: Math.round(confirmed.reduce((s, r) => s + num(r.hours), 0) * 100) / 100,
      points: confirmed.reduce((s, r) => s + r.points, 0),
      tasks: confirmed.length,
      items: rows.map((r) => ({
        taskId: r.task_id,
        title: r.title,
        state: r.state as VolunteerRecord['items'][number]['state'],
        hours: num(r.hours),
        points: r.points,
        confirmedAt: iso(r.confirmed_at),
      })),
    }
  }
}
