import {
  type CreatePact,
  isOpenState,
  PACT_ACTIONS,
  PACT_STATE_LABELS_ZH,
  PARTNER_UNIT_KINDS,
  type Pact,
  type PactAction,
  type PactItemInput,
  type PactLogInput,
  type PactState,
  type PublicPactBoard,
} from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB, Executor } from '../../db/types.ts'
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import * as repo from './pacts.repository.ts'

/** What a log entry's link needs: the case and task services' own reads (404 out of the caller's sight). */
export interface PactLinks {
  caseVisible(actor: Actor, id: string): Promise<unknown>
  taskVisible(actor: Actor, id: string): Promise<unknown>
}

const NEXT: Record<PactAction, PactState> = { sign: 'signed', publish: 'published', fulfil: 'fulfilling', rate: 'rated' }
const BOARD_STATES: PactState[] = ['published', 'fulfilling', 'rated']

/**
 * 契约化共建 (issue 16): a partner unit (partner / department / enterprise) and a community (a village-level region)
 * negotiate items both ways, sign, publish on the 亮约 board, log what was done (each entry linkable to a case or a
 * task the caller can see) and the community rates it at year end. States move only in order — each step one
 * guarded update plus its pact_events row in one transaction; a step from the wrong state is 409 INVALID_TRANSITION.
 * Staff of the community's area read (and the partner unit's own staff); `pacts.write` in that area writes.
 */
export class PactsService {
  constructor(
    private db: Kysely<DB>,
    private links: PactLinks,
  ) {}

  private readable(actor: Actor, p: repo.PactRow) {
    return pathInScope(scopeOf(actor), p.region_path) || (!!actor.unitId && actor.unitId === p.partner_unit_id)
  }

  private canWrite(actor: Actor, p: repo.PactRow) {
    return hasPermission(actor, 'pacts.write') && pathInScope(scopeOf(actor), p.region_path)
  }

  private async visible(actor: Actor, id: string) {
    requirePermission(actor, 'pacts.read')
    const p = await repo.findPact(this.db, id)
    if (!p || !this.readable(actor, p)) throw notFound('共建契约')
    return p
  }

  private async writable(actor: Actor, id: string) {
    const p = await this.visible(actor, id)
    if (!this.canWrite(actor, p)) throw forbidden('只能管理本人辖区内社区的共建契约')
    return p
  }

  async list(actor: Actor, q: { regionCode?: string; state?: string; board?: boolean }) {
    requirePermission(actor, 'pacts.read')
    let regionPath: string | undefined
    if (q.regionCode) {
      const r = await repo.regionByCode(this.db, q.regionCode)
      if (!r) return { items: [], total: 0 }
      regionPath = r.path
    }
    const rows = await repo.listPacts(this.db, { underPath: actor.regionPath, unitId: actor.unitId, regionPath, state: q.state, states: q.board ? BOARD_STATES : undefined })
    const items = rows.map((p) => ({ ...this.fields(p), items: p.items, logs: p.logs }))
    return { items, total: items.length }
  }

  private fields(p: repo.PactRow) {
    return {
      id: p.id,
      title: p.title,
      partnerUnitId: p.partner_unit_id,
      partnerUnitName: p.partner_unit_name,
      regionCode: p.region_code,
      regionName: p.region_name,
      year: p.year,
      state: p.state as PactState,
      signedOn: p.signed_on,
      signatories: p.signatories,
      publishedAt: p.published_at ? p.published_at.toISOString() : null,
      ratingScore: p.rating_score,
      ratingComment: p.rating_comment,
    }
  }

  /**
   * The public 亮约 board (no account) of the village a code names — a village or community, or a grid under one —
   * : published, fulfilling and rated pacts, what was done (a linked case or task counts as done once finished),
   * never who wrote the log. 404 for an unknown code or one above village level.
   */
  async board(code: string): Promise<PublicPactBoard> {
    const r = await repo.regionWithTown(this.db, code)
    if (!r || (r.level !== 'village' && r.level !== 'grid')) throw notFound('村(社区)')
    const village = r.level === 'village' ? r : await repo.regionWithTown(this.db, r.path.split('/').filter(Boolean).at(-2)!)
    if (!village) throw notFound('村(社区)')
    const pacts = await repo.boardPacts(this.db, village.id, BOARD_STATES)
    const { items, logs } = await repo.boardDetails(
      this.db,
      pacts.map((p) => p.id),
    )
    const done = (l: (typeof logs)[number]) => (l.case_state ? !isOpenState(l.case_state) : l.task_state ? l.task_state === 'done' : null)
    return {
      region: { code: village.code, name: village.name, town: village.town },
      items: pacts.map((p) => {
        const f = this.fields(p)
        return {
          id: f.id,
          title: f.title,
          partnerUnitName: f.partnerUnitName,
          year: f.year,
          state: f.state,
          signedOn: f.signedOn,
          signatories: f.signatories,
          publishedAt: f.publishedAt,
          items: items.filter((i) => i.pact_id === p.id).map((i) => ({ direction: i.direction, resource: i.resource, content: i.content })) as PublicPactBoard['items'][number]['items'],
          logs: logs.filter((l) => l.pact_id === p.id).map((l) => ({ doneOn: l.done_on, content: l.content, done: done(l) })),
          ratingScore: f.ratingScore,
          ratingComment: f.ratingComment,
        }
      }),
    }
  }

  /** Units a pact may be signed with: partner / department / enterprise units of the caller's area or above it (pacts.write). */
  async partners(actor: Actor) {
    requirePermission(actor, 'pacts.write')
    const rows = await repo.partnersFor(this.db, actor.regionPath, PARTNER_UNIT_KINDS)
    return { items: rows.map((u) => ({ id: u.id, name: u.name, kind: u.kind, regionName: u.region_name })) }
  }

  async get(actor: Actor, id: string): Promise<Pact> {
    const p = await this.visible(actor, id)
    return this.detail(actor, p)
  }

  private async detail(actor: Actor, p: repo.PactRow): Promise<Pact> {
    return {
      ...this.fields(p),
      items: (await repo.itemsOf(this.db, p.id)) as Pact['items'],
      logs: (await repo.logsOf(this.db, p.id)).map((l) => ({
        id: l.id,
        doneOn: l.done_on,
        content: l.content,
        itemId: l.item_id,
        caseId: l.case_id,
        caseNumber: l.case_number,
        caseState: l.case_state,
        taskId: l.task_id,
        taskTitle: l.task_title,
        taskState: l.task_state,
        createdByName: l.created_by_name,
      })),
      events: (await repo.eventsOf(this.db, p.id)).map((e) => ({ action: e.action, from: e.from_state, to: e.to_state, actorName: e.actor_name, at: e.at.toISOString(), note: e.note })),
      canWrite: this.canWrite(actor, p),
    }
  }

  private async reload(actor: Actor, id: string) {
    return this.detail(actor, (await repo.findPact(this.db, id))!)
  }

  async create(actor: Actor, body: CreatePact): Promise<Pact> {
    requirePermission(actor, 'pacts.write')
    const region = await repo.regionByCode(this.db, body.regionCode)
    if (!region) throw badRequest('UNKNOWN_REGION', `没有这个行政区划: ${body.regionCode}`, [{ path: 'regionCode', message: 'unknown region' }])
    if (!pathInScope(scopeOf(actor), region.path)) throw forbidden('只能为本人辖区内的社区签订共建契约')
    if (region.level !== 'village') throw badRequest('VALIDATION_FAILED', '共建契约的一方须为村(社区)', [{ path: 'regionCode', message: 'must be a village or community' }])
    const unit = await repo.unitById(this.db, body.partnerUnitId)
    // A unit the caller cannot see (not in their area nor above it) reads as unknown.
    if (!unit || !(pathInScope(scopeOf(actor), unit.region_path) || actor.regionPath.startsWith(unit.region_path)))
      throw badRequest('UNKNOWN_UNIT', '没有这个共建单位', [{ path: 'partnerUnitId', message: 'unknown unit' }])
    if (!(PARTNER_UNIT_KINDS as readonly string[]).includes(unit.kind))
      throw badRequest('VALIDATION_FAILED', '共建单位须为驻区单位、部门或企业', [{ path: 'partnerUnitId', message: 'unit kind must be partner, department or enterprise' }])
    const id = await this.db.transaction().execute(async (trx) => {
      const pid = await repo.insertPact(trx, { title: body.title.trim(), partnerUnitId: unit.id, regionId: region.id, year: body.year, createdBy: actor.userId })
      await repo.insertItems(
        trx,
        pid,
        (body.items ?? []).map((i) => ({ ...i, content: i.content.trim() })),
      )
      await repo.insertEvent(trx, { pactId: pid, action: 'create', from: null, to: 'negotiating', actorId: actor.userId, note: null })
      return pid
    })
    return this.reload(actor, id)
  }

  /** Items change only while negotiating (谈约): 409 PACT_LOCKED after. */
  async addItem(actor: Actor, id: string, body: PactItemInput): Promise<Pact> {
    const p = await this.writable(actor, id)
    await this.db.transaction().execute(async (trx) => {
      const cur = await repo.lockPact(trx, p.id)
      if (cur?.state !== 'negotiating') throw conflict('PACT_LOCKED', '签约后不能再修改契约内容', { state: cur?.state })
      await repo.insertItems(trx, p.id, [{ ...body, content: body.content.trim() }])
    })
    return this.reload(actor, id)
  }

  async removeItem(actor: Actor, id: string, itemId: string): Promise<Pact> {
    const p = await this.writable(actor, id)
    if (!(await repo.itemOf(this.db, p.id, itemId))) throw notFound('契约内容')
    if (!(await repo.deleteItem(this.db, p.id, itemId))) throw conflict('PACT_LOCKED', '签约后不能再修改契约内容', { state: p.state })
    return this.reload(actor, id)
  }

  /** One step in order: the guarded update and its event row in one transaction; from any other state 409 INVALID_TRANSITION. */
  private async step(actor: Actor, id: string, action: PactAction, patch: Parameters<typeof repo.step>[4], note: string | null, guard?: (trx: Executor) => Promise<void>) {
    const p = await this.writable(actor, id)
    const from = PACT_ACTIONS[action]
    const to = NEXT[action]
    const invalid = (state: string) => conflict('INVALID_TRANSITION', `契约处于「${PACT_STATE_LABELS_ZH[state as PactState] ?? state}」阶段,不能执行此操作`, { state, action, allowedFrom: from })
    if (p.state !== from) throw invalid(p.state)
    await this.db.transaction().execute(async (trx) => {
      if (guard) await guard(trx)
      if (!(await repo.step(trx, p.id, from, to, patch))) throw invalid((await repo.findPact(trx, p.id))?.state ?? p.state)
      await repo.insertEvent(trx, { pactId: p.id, action, from, to, actorId: actor.userId, note })
    })
    return this.reload(actor, id)
  }

  /** 签约: with at least one item, a date (not in the future) and the signatories. */
  async sign(actor: Actor, id: string, body: { signedOn: string; signatories: string }, now = new Date()) {
    const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
    if (body.signedOn > today) throw badRequest('VALIDATION_FAILED', '签约日期不能晚于今天', [{ path: 'signedOn', message: 'in the future' }])
    return this.step(actor, id, 'sign', { signedOn: body.signedOn, signatories: body.signatories.trim() }, null, async (trx) => {
      if (!(await repo.itemsOf(trx, id)).length) throw badRequest('VALIDATION_FAILED', '签约前须至少列出一项资源或服务', [{ path: 'items', message: 'at least one item' }])
    })
  }

  /** 亮约: published on the board. */
  async publish(actor: Actor, id: string, body: { note?: string }) {
    return this.step(actor, id, 'publish', { publish: true }, body.note?.trim() || null)
  }

  /** 履约 begins: the fulfilment log opens. */
  async fulfil(actor: Actor, id: string, body: { note?: string }) {
    return this.step(actor, id, 'fulfil', {}, body.note?.trim() || null)
  }

  /** 评约: the community's score (0–100) and comment; the pact is done. */
  async rate(actor: Actor, id: string, body: { score: number; comment: string }) {
    return this.step(actor, id, 'rate', { score: body.score, comment: body.comment.trim(), ratedBy: actor.userId }, `${body.score} 分`)
  }

  /** A 履约 log entry (only while fulfilling): its item of this pact, its case or task one the caller can see. */
  async addLog(actor: Actor, id: string, body: PactLogInput, now = new Date()) {
    const p = await this.writable(actor, id)
    if (p.state !== 'fulfilling') throw conflict('INVALID_TRANSITION', '契约进入履约阶段后才能记录履约情况', { state: p.state, allowedIn: 'fulfilling' })
    const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
    if (body.doneOn > today) throw badRequest('VALIDATION_FAILED', '履约日期不能晚于今天', [{ path: 'doneOn', message: 'in the future' }])
    if (body.caseId && body.taskId) throw badRequest('VALIDATION_FAILED', '一条履约记录只关联一个事项或任务', [{ path: 'taskId', message: 'either caseId or taskId' }])
    if (body.itemId && !(await repo.itemOf(this.db, p.id, body.itemId))) throw badRequest('UNKNOWN_ITEM', '没有这项契约内容', [{ path: 'itemId', message: 'unknown item' }])
    if (body.caseId) await this.links.caseVisible(actor, body.caseId).catch(unknown('UNKNOWN_CASE', '没有这个事项', 'caseId'))
    if (body.taskId) await this.links.taskVisible(actor, body.taskId).catch(unknown('UNKNOWN_TASK', '没有这个任务', 'taskId'))
    await this.db.transaction().execute(async (trx) => {
      const cur = await repo.lockPact(trx, p.id)
      if (cur?.state !== 'fulfilling') throw conflict('INVALID_TRANSITION', '契约进入履约阶段后才能记录履约情况', { state: cur?.state, allowedIn: 'fulfilling' })
      await repo.insertLog(trx, {
        pactId: p.id,
        itemId: body.itemId ?? null,
        doneOn: body.doneOn,
        content: body.content.trim(),
        caseId: body.caseId ?? null,
        taskId: body.taskId ?? null,
        createdBy: actor.userId,
      })
    })
    return this.reload(actor, id)
  }
}

/** A linked row out of sight (404) reads as an unknown reference (400), like any other bad reference. */
const unknown = (code: 'UNKNOWN_CASE' | 'UNKNOWN_TASK', message: string, path: string) => (err: unknown) => {
  if (err instanceof AppError && (err.status === 404 || err.status === 403)) throw badRequest(code, message, [{ path, message: 'unknown' }])
  throw err
}
