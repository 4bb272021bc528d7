import type { Alert, AlertKind, AlertList, AlertsQueryT } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB, Executor } from '../../db/types.ts'
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { afterCommit, inAfterCommitScope } from '../../platform/after-commit.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import type { DutyService } from '../duty/duty.service.ts'
import type { Notifier } from '../notifications/notifier.ts'
import { regionFor } from './hotwords.ts'
import * as repo from './insights.repository.ts'
import type { AlertRow } from './insights.repository.ts'

export interface RaiseAlert {
  kind: AlertKind
  /** Dedupe key: raising the same (kind, key) again while it is not handled updates that alert. */
  key: string
  title: string
  regionId: number
  caseIds?: string[]
  diaryIds?: string[]
  details?: Record<string, unknown>
}

const LINKS_SHOWN = 50
const KIND_NAMES: Record<AlertKind, string> = { common_issue: '共性问题', spike: '苗头隐患' }

const linkOf = (kind: 'case' | 'diary', id: string) => (kind === 'case' ? `/console/cases/${id}` : `/m/diary/${id}`)

/**
 * 预警 (issue 14): alerts the brain raises — 共性问题 from clusters, 苗头隐患 from the early warning — with a state
 * (new → acknowledged → handled), an owner (default the county duty officer) and links to their cases and diary
 * entries. `raise` is for the brain's own features (no actor; inside their transaction); the rest is the inbox,
 * read with stats.read in the caller's area (404 outside), acted on by the owner or a holder of cases.supervise /
 * cases.dispatch.
 */
export class AlertsService {
  constructor(
    private db: Kysely<DB>,
    private notifier: Notifier,
    private duty: DutyService,
  ) {}

  /**
   * Raises an alert, or while one of that kind and key is not handled adds the links and bumps its last_seen.
   * Runs on the caller's executor: a new alert gets the county duty officer as owner and its notices (the duty
   * officers and the region's nearest leaders) in the same transaction, so a rolled-back raise leaves neither.
   * The live push and outbound sends go after commit: at once on a plain connection, through the enclosing
   * after-commit scope (platform/after-commit.ts — the brain's indexer opens one per batch) in a transaction.
   */
  async raise(db: Executor, a: RaiseAlert): Promise<{ id: string; created: boolean }> {
    if (!a.key || !a.title) throw badRequest('VALIDATION_FAILED', '预警须有 key 和标题', { key: a.key, title: a.title })
    if (db.isTransaction && !inAfterCommitScope()) throw new Error('alerts.raise in a transaction must run inside withAfterCommit()')
    const r = await repo.upsertAlert(db, { kind: a.kind, key: a.key, title: a.title, regionId: a.regionId, ownerId: null, details: a.details ?? {} })
    await repo.addLinks(db, r.id, 'case', [...new Set(a.caseIds ?? [])])
    await repo.addLinks(db, r.id, 'diary', [...new Set(a.diaryIds ?? [])])
    if (r.created) {
      const row = await repo.alertById(db, r.id)
      if (row) {
        const officers = await this.duty.officersFor(row.region_id, new Date(), db)
        const leaders = await repo.nearestLeaders(db, row.region_path)
        if (officers[0]) await repo.setOwner(db, r.id, officers[0])
        const rows = await this.notifier.record(
          db,
          [...new Set([...officers, ...leaders])].map((userId) => ({
            userId,
            kind: 'alert',
            title: `${KIND_NAMES[row.kind]}预警: ${row.title}`,
            body: `${row.region_name} · 请在预警中查看并处理`,
            caseId: null,
          })),
        )
        const deliver = () => this.notifier.deliver(rows)
        if (!afterCommit(deliver)) await deliver()
      }
    }
    return { id: r.id, created: r.created }
  }

  /** Resolves when every outbound send started so far has finished (tests; shutdown). */
  async idle() {
    await this.notifier.idle()
  }

  async list(actor: Actor, q: AlertsQueryT): Promise<AlertList> {
    const region = await regionFor(this.db, actor, q.regionCode)
    const rows = await repo.listAlerts(this.db, region.path, { state: q.state, kind: q.kind, limit: q.limit ?? 50 })
    const [items, newCount] = await Promise.all([this.mapAll(rows), repo.countNew(this.db, region.path)])
    return { items, newCount }
  }

  async get(actor: Actor, id: string): Promise<Alert> {
    return (await this.mapAll([await this.visible(this.db, actor, id)]))[0]
  }

  async ack(actor: Actor, id: string): Promise<Alert> {
    await this.step(actor, id, 'new', (trx) => repo.setAlertState(trx, id, 'acknowledged', actor.userId))
    return this.get(actor, id)
  }

  async handle(actor: Actor, id: string, note: string): Promise<Alert> {
    if (!note.trim()) throw badRequest('VALIDATION_FAILED', '请填写处置说明', { note })
    await this.step(actor, id, ['new', 'acknowledged'], (trx) => repo.setAlertState(trx, id, 'handled', actor.userId, note.trim()))
    return this.get(actor, id)
  }

  async assign(actor: Actor, id: string, userId: string): Promise<Alert> {
    await this.db
      .transaction()
      .execute(async (trx) => {
        const a = await this.visible(trx, actor, id, true)
        this.mayAct(actor, a)
        if (a.state === 'handled') throw conflict('INVALID_TRANSITION', '预警已处置,不能再指派', { state: a.state })
        const u = await repo.activeUser(trx, userId)
        // The new owner works in the alert's region or above it (who can see it).
        if (!u || !a.region_path.startsWith(u.region_path)) throw badRequest('UNKNOWN_USER', '指派对象须是能看到该预警的在岗人员', { userId })
        await repo.setOwner(trx, id, userId)
        const rows = await this.notifier.record(trx, [{ userId, kind: 'alert', title: `预警指派给您: ${a.title}`, body: `${a.region_name} · ${actor.name}指派`, caseId: null }])
        return rows
      })
      .then((rows) => this.notifier.deliver(rows))
    return this.get(actor, id)
  }

  private async visible(db: Executor, actor: Actor, id: string, lock = false) {
    requirePermission(actor, 'stats.read')
    const a = await repo.alertById(db, id, lock)
    if (!a || !pathInScope(scopeOf(actor), a.region_path)) throw notFound('预警')
    return a
  }

  private mayAct(actor: Actor, a: AlertRow) {
    if (a.owner_id === actor.userId || hasPermission(actor, 'cases.supervise') || hasPermission(actor, 'cases.dispatch')) return
    throw forbidden('只有预警负责人或有督办、交办权限的人员可以处理预警', { requiredPermission: 'cases.supervise' })
  }

  private async step(actor: Actor, id: string, from: AlertRow['state'] | AlertRow['state'][], write: (trx: Executor) => Promise<void>) {
    await this.db.transaction().execute(async (trx) => {
      const a = await this.visible(trx, actor, id, true)
      this.mayAct(actor, a)
      const allowed = Array.isArray(from) ? from : [from]
      if (!allowed.includes(a.state)) throw conflict('INVALID_TRANSITION', `预警当前状态为 ${a.state},不能执行此操作`, { state: a.state, allowed })
      await write(trx)
    })
  }

  private async mapAll(rows: AlertRow[]): Promise<Alert[]> {
    const links = await repo.linksOf(
      this.db,
      rows.map((r) => r.id),
      LINKS_SHOWN,
    )
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      key: r.key,
      title: r.title,
      regionCode: r.region_code,
      regionName: r.region_name,
      state: r.state,
      owner: r.owner_id ? { userId: r.owner_id, name: r.owner_name ?? '' } : null,
      details: r.details ?? {},
      firstSeen: new Date(r.first_seen).toISOString(),
      lastSeen: new Date(r.last_seen).toISOString(),
      acknowledged: r.acknowledged_by && r.acknowledged_at ? { userId: r.acknowledged_by, name: r.acknowledged_name ?? '', at: new Date(r.acknowledged_at).toISOString() } : null,
      handled: r.handled_by && r.handled_at ? { userId: r.handled_by, name: r.handled_name ?? '', at: new Date(r.handled_at).toISOString(), note: r.handled_note ?? '' } : null,
      links: links
        .filter((l) => l.alert_id === r.id)
        .map((l) => ({ kind: l.kind, id: l.ref_id, caseNo: l.kind === 'case' ? l.number : null, title: ((l.kind === 'case' ? l.title : l.text) ?? '').slice(0, 80), link: linkOf(l.kind, l.ref_id) })),
      linkCount: Number(r.link_count),
    }))
  }
}
