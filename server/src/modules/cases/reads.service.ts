import { type Case, CASE_LEVELS, CASE_QUEUE_TABLE, type CaseDetail, type CaseListQuery, type CaseState, isPublicStep, sampleThreshold } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { Static } from 'typebox'
import type { DB } from '../../db/types.ts'
import { badRequest } from '../../platform/errors.ts'
import { type Actor, hasPermission, scopeOf } from '../../platform/policy.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import { HANDLING_ACTIONS, LEVEL_DEPTH, readsOwnReportsOnly } from './access.ts'
import type { CaseActions } from './actions.service.ts'
import * as repo from './cases.repository.ts'

type Row = repo.CaseRow

export const dataOf = (e: { data: unknown }) => (typeof e.data === 'string' ? JSON.parse(e.data) : (e.data ?? {})) as Record<string, unknown>

/** Reading cases: one case with its timeline, photos and the caller's actions; lists and work queues. */
export class CaseReads {
  constructor(
    private db: Kysely<DB>,
    private regions: RegionsService,
    private actions: CaseActions,
    /** 回访: the share of answered cases from other channels than hotline and walk-in whose reporter is called back. */
    private callbackThreshold = sampleThreshold(0.1),
  ) {}

  async get(actor: Actor, id: string): Promise<CaseDetail> {
    const c = await this.actions.visibleCase(actor, id)
    const [events, files] = await Promise.all([repo.eventsOf(this.db, id), repo.caseFiles(this.db, id)])
    return this.detailOf(
      actor,
      c,
      events.map((e) => ({
        id: String(e.id),
        action: e.action,
        actor: e.actor_id ? { id: e.actor_id, name: e.actor_name ?? '' } : null,
        at: e.at.toISOString(),
        fromState: e.from_state,
        toState: e.to_state,
        note: e.note,
        data: dataOf(e),
      })),
      files.map((f) => ({
        id: f.id,
        eventId: f.event_id === null ? null : String(f.event_id),
        filename: f.filename,
        contentType: f.content_type,
        size: f.size,
        url: `/api/cases/${id}/files/${f.id}`,
        createdAt: f.created_at.toISOString(),
      })),
    )
  }

  /** The case as its reader sees it: with its timeline, its photos and the actions this actor may take now. */
  detailOf(actor: Actor, c: Row, events: CaseDetail['events'], files: CaseDetail['files']): CaseDetail {
    const handledBy = new Set(events.filter((e) => (HANDLING_ACTIONS as readonly string[]).includes(e.action) && e.actor).map((e) => e.actor!.id))
    if (readsOwnReportsOnly(actor)) return this.reporterView(actor, c, events, files, handledBy)
    return {
      ...toCase(c),
      events,
      files,
      allowedActions: this.actions.allowedActions(actor, c, { handledBy }),
      // The hotline operator reads it to a caller who left a phone (they track and rate with it).
      trackingCode: c.reporter_phone_masked && c.tracking_code ? c.tracking_code : null,
    }
  }

  /**
   * A volunteer's own report as its reporter reads it (issue 15): like the resident's tracking page — the steps a
   * resident sees, no staff names, no internal notes (only the answer and a refusal's reason), no handler.
   */
  private reporterView(actor: Actor, c: Row, events: CaseDetail['events'], files: CaseDetail['files'], handledBy: Set<string>): CaseDetail {
    const shown = events
      .filter((e) => isPublicStep(e.action))
      .map((e) => ({
        ...e,
        actor: e.actor && e.actor.id === actor.userId ? e.actor : null,
        note: ['reply', 'resolve_on_spot', 'answered_via_merge', 'reject', 'rate'].includes(e.action) ? e.note : null,
        data: e.action === 'create' || e.action === 'rate' ? e.data : {},
      }))
    return {
      ...toCase(c),
      handler: null,
      claimedBy: null,
      events: shown,
      files,
      allowedActions: this.actions.allowedActions(actor, c, { handledBy }),
      trackingCode: c.tracking_code,
    }
  }

  async list(actor: Actor, query: Static<typeof CaseListQuery>) {
    const regionPath = query.regionCode ? await this.regions.filterPath(actor, query.regionCode) : undefined
    let categoryIds: number[] | undefined
    if (query.categoryCode) {
      const cat = await repo.findCategoryByCode(this.db, query.categoryCode)
      if (!cat) throw badRequest('UNKNOWN_CATEGORY', `未知分类: ${query.categoryCode}`)
      const all = await repo.listCategories(this.db)
      categoryIds = [cat.id, ...all.filter((x) => x.parent_id === cat.id).map((x) => x.id)]
    }
    const f: repo.CaseFilter = { regionPath, state: query.state, categoryIds, overdue: query.overdue, q: query.q, limit: query.limit ?? 50, offset: query.offset ?? 0 }
    if (readsOwnReportsOnly(actor)) {
      // 随手报 without area reads: the cases they reported, wherever they lie; every queue is their 我反映的.
      const { items, total } = await repo.listCases(this.db, { regionPath: '/', unitId: null, userId: actor.userId }, { ...f, reporterUserId: actor.userId, newestFirst: true })
      return { items: items.map(toCase), total }
    }
    if (query.queue) {
      // The queue's states and owner come from the lifecycle table (common/case-lifecycle.ts).
      const spec = CASE_QUEUE_TABLE[query.queue]
      f.states = [...spec.states]
      if (spec.filter === 'warned_not_overdue') f.warnedNotOverdue = true
      if (spec.filter === 'overdue') f.overdue = true
      if (spec.filter === 'unrated') f.ratingMissing = true
      if (spec.filter === 'not_own') f.notOwnWork = { unitId: actor.unitId, userId: actor.userId }
      if (spec.filter === 'callback_due') {
        f.ratingMissing = true
        f.callbackDue = { threshold: this.callbackThreshold, userId: actor.userId, unitId: actor.unitId }
      }
      switch (spec.owner) {
        case 'unit':
          f.unitOrHandler = { unitId: actor.unitId, userId: actor.userId }
          break
        case 'supervisor':
          f.supervisedBy = actor.userId
          break
        case 'reporter':
          f.reporterUserId = actor.userId
          f.newestFirst = true
          f.states = undefined
          break
        case 'dispatcher': {
          // Cases whose level region lies at or below the caller's own region: theirs to dispatch.
          const depth = actor.regionPath.split('/').filter(Boolean).length - 1
          f.levels = hasPermission(actor, 'cases.dispatch') ? CASE_LEVELS.filter((l) => LEVEL_DEPTH[l] >= depth) : []
          break
        }
        case 'caller': {
          // Staff who may call back, for the cases at their region's level and below (like dispatchers).
          const depth = actor.regionPath.split('/').filter(Boolean).length - 1
          f.levels = hasPermission(actor, 'cases.callback') ? CASE_LEVELS.filter((l) => LEVEL_DEPTH[l] >= depth) : []
          break
        }
        case 'area':
          break
      }
    }
    const { items, total } = await repo.listCases(this.db, { ...scopeOf(actor), userId: actor.userId }, f)
    return { items: items.map(toCase), total }
  }
}

function toCase(c: Row): Case {
  return {
    id: c.id,
    number: c.number,
    channel: c.channel as Case['channel'],
    state: c.state as CaseState,
    level: c.level,
    regionCode: c.region_code,
    regionName: c.region_name,
    regionPath: c.region_trail,
    category: c.category_code ? { code: c.category_code, name: c.category_name ?? '' } : null,
    urgency: c.urgency,
    title: c.title,
    description: c.description,
    reporter: { kind: c.reporter_kind, name: c.reporter_name, phone: c.reporter_phone_masked, personId: c.reporter_person_id },
    lat: c.lat,
    lng: c.lng,
    unit: c.unit_id ? { id: c.unit_id, name: c.unit_name ?? '' } : null,
    handler: c.handler_id ? { id: c.handler_id, name: c.handler_name ?? '' } : null,
    suggestedUnit: c.suggested_unit_id ? { id: c.suggested_unit_id, name: c.suggested_unit_name ?? '', level: c.level } : null,
    dueAt: c.due_at?.toISOString() ?? null,
    warnAt: c.warn_at?.toISOString() ?? null,
    warned: !!c.warned_at,
    overdue: !!c.overdue_at,
    paused: !!c.paused_at,
    extensionDays: c.extension_days,
    supervision: c.supervision,
    claimedBy: c.claimed_by ? { id: c.claimed_by, name: c.claimed_by_name ?? '' } : null,
    mergedInto: c.merged_into,
    rating: c.rating,
    reopenCount: c.reopen_count,
    diaryEntryId: c.diary_entry_id,
    source: c.source,
    externalId: c.external_id,
    address: c.address,
    ratingComment: c.rating_comment,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    closedAt: c.closed_at?.toISOString() ?? null,
  }
}
