import { createHash } from 'node:crypto'
import { type Compliance, type CreateDiary, DIARY_MAX_PHOTOS, type DiaryEntry, type DiaryListQuery, PHOTO_MAX_BYTES, type TimelineItem, type VisitRule } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { Static } from 'typebox'
import type { DB } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { insertFile } from '../../platform/files.repository.ts'
import type { EventBus } from '../../platform/events.ts'
import { type Actor, assertVisible, pathInScope, requireCountyAdmin, requirePermission, scopeOf, SYSTEM_ACTOR_ID, visibleRow } from '../../platform/policy.ts'
import type { Storage } from '../../platform/storage.ts'
import { assertPhoto, EXTENSION_OF, type Upload } from '../../platform/uploads.ts'
import { ArchiveLookups } from '../archive/lookups.ts'
import { addTimelineSource } from '../archive/timeline.ts'
import { regionPathString, type RegionsService } from '../regions/regions.service.ts'
import * as repo from './diary.repository.ts'
import { currentMonthCN, halfYearWindow, monthWindow, weeksIn, yearWindow, type Window } from './periods.ts'

/** Clocks on phones drift; an entry a few minutes "in the future" is a clock, not a lie. */
const FUTURE_TOLERANCE_MS = 5 * 60_000

/** Stable hash of what the phone sent, to tell a resend (same) from a reused clientId (different). */
function contentHash(body: CreateDiary): string {
  const canonical = {
    kind: body.kind,
    regionCode: body.regionCode ?? null,
    householdId: body.householdId ?? null,
    personId: body.personId ?? null,
    enterpriseId: body.enterpriseId ?? null,
    occurredAt: body.occurredAt ? new Date(body.occurredAt).toISOString() : null,
    text: body.text,
    mood: body.mood ?? null,
    urgency: body.urgency ?? 'normal',
    lat: body.lat ?? null,
    lng: body.lng ?? null,
    concerns: body.concerns ?? [],
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex')
}

export class DiaryService {
  constructor(
    private db: Kysely<DB>,
    private regions: RegionsService,
    private storage: Storage,
    private bus: EventBus,
    /** The visited household, person or enterprise, read through the archive module (never its repository). */
    private archive: ArchiveLookups = new ArchiveLookups(db),
  ) {
    addTimelineSource(diaryTimeline)
  }

  // ---- entries --------------------------------------------------------------------
  /**
   * Store an entry once per (author, clientId): a resend with the same content returns the stored entry
   * (`created: false`); the same clientId with other content is a 409.
   */
  async create(actor: Actor, body: CreateDiary): Promise<{ entry: DiaryEntry; created: boolean }> {
    requirePermission(actor, 'diary.write')
    const hash = contentHash(body)
    const existing = await repo.findByClientId(this.db, actor.userId, body.clientId)
    if (existing) return this.replay(actor, existing, hash)

    const occurredAt = body.occurredAt ? new Date(body.occurredAt) : new Date()
    if (occurredAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS) throw badRequest('FUTURE_DATE', '日记时间不能晚于现在', { occurredAt: body.occurredAt })
    const scope = scopeOf(actor)

    // What was visited must lie in the author's area: out of it, it does not exist for them.
    const household = body.householdId ? await this.archive.household(body.householdId) : undefined
    if (body.householdId) assertVisible(scope, household && { path: household.region_path }, '户')
    const person = body.personId ? await this.archive.person(body.personId) : undefined
    if (body.personId) {
      assertVisible(scope, person && { path: person.region_path }, '人员')
      if (body.householdId && person!.household_id !== body.householdId) throw badRequest('VALIDATION_FAILED', '走访对象不属于该户')
    }
    const enterprise = body.enterpriseId ? await this.archive.enterprise(body.enterpriseId) : undefined
    if (body.enterpriseId) assertVisible(scope, enterprise && { path: enterprise.region_path }, '企业')
    if (body.kind === 'enterprise' && !enterprise) throw badRequest('VALIDATION_FAILED', '企情日记须指定走访的企业 (enterpriseId)')

    let regionId: number
    if (body.regionCode) regionId = (await this.regions.resolveForWrite(actor, body.regionCode)).id
    else regionId = household?.region_id ?? person?.region_id ?? enterprise?.region_id ?? actor.regionId

    let lat = body.lat ?? null
    let lng = body.lng ?? null
    let locationSource: 'device' | 'household' | 'enterprise' | 'none' = lat !== null && lng !== null ? 'device' : 'none'
    if (locationSource === 'none' && household?.lat != null && household.lng != null) [lat, lng, locationSource] = [household.lat, household.lng, 'household']
    else if (locationSource === 'none' && enterprise) locationSource = 'none'

    let id: string
    try {
      id = await this.db.transaction().execute(async (trx) => {
        const { id } = await repo.insertEntry(trx, {
          client_id: body.clientId,
          content_hash: hash,
          kind: body.kind,
          author_id: actor.userId,
          region_id: regionId,
          household_id: household?.id ?? null,
          person_id: person?.id ?? null,
          enterprise_id: enterprise?.id ?? null,
          occurred_at: occurredAt,
          text: body.text,
          mood: body.mood ?? null,
          urgency: body.urgency ?? 'normal',
          lat,
          lng,
          location_source: locationSource,
        })
        await repo.insertConcerns(trx, id, body.concerns ?? [])
        return id
      })
    } catch (err) {
      // Two copies of one entry arriving at once: the loser reads what the winner stored.
      const again = await repo.findByClientId(this.db, actor.userId, body.clientId)
      if (again) return this.replay(actor, again, hash)
      throw err
    }
    const entry = await this.get(actor, id)
    await this.bus.publish('diary.created', { id, authorId: actor.userId, regionCode: entry.regionCode, householdId: entry.household?.id ?? null, concerns: entry.concerns.length })
    return { entry, created: true }
  }

  private async replay(actor: Actor, existing: { id: string; content_hash: string }, hash: string) {
    if (existing.content_hash !== hash) throw conflict('CLIENT_ID_REUSED', '该 clientId 已用于另一篇日记', { entryId: existing.id })
    return { entry: await this.get(actor, existing.id), created: false }
  }

  async get(actor: Actor, id: string): Promise<DiaryEntry> {
    const row = visibleRow(actor, await repo.findEntry(this.db, id), '日记')
    const [entry] = await this.hydrate([row])
    return entry
  }

  async list(actor: Actor, query: Static<typeof DiaryListQuery>) {
    const regionPath = await this.regions.filterPath(actor, query.regionCode)
    let before: { createdAt: Date; id: string } | undefined
    if (query.before) {
      // An unknown cursor is an error, not the first page again (a client would loop).
      const row = await repo.findEntry(this.db, query.before)
      if (!row) throw badRequest('VALIDATION_FAILED', '分页游标 before 不存在', { before: query.before })
      before = { createdAt: row.created_at, id: row.id }
    }
    const limit = query.limit ?? 20
    const rows = await repo.listEntries(this.db, scopeOf(actor), { ...query, regionPath, before, limit })
    const items = await this.hydrate(rows)
    return { items, nextBefore: rows.length === limit ? rows[rows.length - 1].id : null }
  }

  private async hydrate(rows: repo.EntryRow[]): Promise<DiaryEntry[]> {
    const ids = rows.map((r) => r.id)
    const [concerns, photos, comments] = await Promise.all([repo.concernsOf(this.db, ids), repo.photosOf(this.db, ids), repo.commentsOf(this.db, ids)])
    return rows.map((r) => ({
      id: r.id,
      clientId: r.client_id,
      kind: r.kind,
      author: { id: r.author_id, name: r.author_name },
      regionCode: r.region_code,
      regionName: r.region_name,
      household: r.household_id ? { id: r.household_id, address: r.household_address ?? '' } : null,
      person: r.person_id ? { id: r.person_id, name: r.person_name ?? '' } : null,
      enterprise: r.enterprise_id ? { id: r.enterprise_id, name: r.enterprise_name ?? '' } : null,
      occurredAt: r.occurred_at.toISOString(),
      text: r.text,
      mood: r.mood as DiaryEntry['mood'],
      urgency: r.urgency,
      lat: r.lat,
      lng: r.lng,
      locationSource: r.location_source,
      concerns: concerns.filter((c) => c.entry_id === r.id).map((c) => ({ id: c.id, text: c.text, caseId: c.case_id })),
      photos: photos.filter((p) => p.entry_id === r.id).map((p) => ({ id: p.id, url: `/api/diary/photos/${p.id}`, size: p.size, contentType: p.content_type })),
      comments: comments.filter((c) => c.entry_id === r.id).map((c) => ({ id: c.id, authorId: c.author_id, authorName: c.author_name, text: c.text, createdAt: c.created_at.toISOString() })),
      review: r.review,
      reviewedBy: r.reviewed_by ? { id: r.reviewed_by, name: r.reviewer_name ?? '' } : null,
      createdAt: r.created_at.toISOString(),
    }))
  }

  /** Photos are added by the author after the entry (so a phone can send them one by one, resumably). */
  async addPhoto(actor: Actor, entryId: string, upload: Upload): Promise<{ entry: DiaryEntry; created: boolean }> {
    requirePermission(actor, 'diary.write')
    const row = visibleRow(actor, await repo.findEntry(this.db, entryId), '日记')
    if (row.author_id !== actor.userId) throw forbidden('只有作者可以添加照片')
    const type = assertPhoto(upload.data, PHOTO_MAX_BYTES)
    const clientId = (upload.fields.clientId || createHash('sha256').update(upload.data).digest('hex')).slice(0, 64)
    if (await repo.findPhotoByClientId(this.db, entryId, clientId)) return { entry: await this.get(actor, entryId), created: false }
    if ((await repo.countPhotos(this.db, entryId)) >= DIARY_MAX_PHOTOS) throw conflict('TOO_MANY_PHOTOS', `每篇日记最多 ${DIARY_MAX_PHOTOS} 张照片`)
    const stored = await this.storage.put(upload.data, { prefix: 'diary', extension: EXTENSION_OF[type] })
    try {
      await this.db.transaction().execute(async (trx) => {
        const file = await insertFile(trx, stored, { filename: upload.filename.slice(0, 200), contentType: type, createdBy: actor.userId })
        await repo.insertPhoto(trx, { entryId, fileId: file.id, clientId })
      })
    } catch (err) {
      await this.storage.remove(stored.key)
      if (await repo.findPhotoByClientId(this.db, entryId, clientId)) return { entry: await this.get(actor, entryId), created: false }
      throw err
    }
    return { entry: await this.get(actor, entryId), created: true }
  }

  async photo(actor: Actor, photoId: string) {
    const p = visibleRow(actor, await repo.findPhoto(this.db, photoId), '照片')
    return { photo: p, stream: await this.storage.get(p.storage_key) }
  }

  async comment(actor: Actor, entryId: string, text: string): Promise<DiaryEntry> {
    requirePermission(actor, 'archive.read')
    const row = visibleRow(actor, await repo.findEntry(this.db, entryId), '日记')
    await repo.insertComment(this.db, { entryId, authorId: actor.userId, text })
    await this.bus.publish('diary.commented', { id: entryId, authorId: row.author_id, by: actor.userId })
    return this.get(actor, entryId)
  }

  /** The supervisor's mark: reviewed, or held up as a good example (not on one's own entry). */
  async review(actor: Actor, entryId: string, review: 'none' | 'reviewed' | 'good_example', ip?: string): Promise<DiaryEntry> {
    requirePermission(actor, 'diary.review')
    const row = visibleRow(actor, await repo.findEntry(this.db, entryId), '日记')
    if (row.author_id === actor.userId) throw forbidden('不能审阅自己的日记')
    await this.db.transaction().execute(async (trx) => {
      await repo.setReview(trx, entryId, review, review === 'none' ? null : actor.userId)
      await audit(trx, { actor, action: 'diary.review', entityType: 'diary', entityId: entryId, regionId: row.region_id, ip, details: { review } })
    })
    return this.get(actor, entryId)
  }

  // ---- visit rules, compliance, 民情日 ------------------------------------------------
  async rules(actor: Actor): Promise<VisitRule[]> {
    requirePermission(actor, 'archive.read')
    return (await repo.visitRules(this.db)).map(toRule)
  }

  async updateRule(actor: Actor, id: number, patch: { target?: number; active?: boolean; description?: string }, ip?: string): Promise<VisitRule> {
    requireCountyAdmin(actor, 'visits.manage')
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.updateVisitRule(trx, id, patch)
      if (!row) throw notFound('走访规则')
      await audit(trx, { actor, action: 'visits.rule_update', entityType: 'visit_rule', entityId: String(id), ip, details: patch })
      return toRule(row)
    })
  }

  async compliance(actor: Actor, regionCode: string | undefined, period = currentMonthCN()): Promise<Compliance> {
    requirePermission(actor, 'archive.read')
    const region = await this.regions.get(actor, regionCode ?? actor.regionCode)
    const path = regionPathString(region)
    if (!pathInScope(scopeOf(actor), path)) throw notFound('区域')
    const month = monthWindow(period)
    const year = yearWindow(period)
    const rules = (await repo.visitRules(this.db)).filter((r) => r.active)
    const roles = [...new Set(rules.map((r) => r.role))]
    const cadres = await repo.cadresIn(this.db, path, roles)

    const windows = { week: month, month, half_year: halfYearWindow(period), year } as Record<string, Window>
    const countsByWindow = new Map<string, Map<string, { visits: number; households: number }>>()
    for (const [name, w] of Object.entries(windows)) {
      const rows = await repo.visitCounts(
        this.db,
        cadres.map((c) => c.id),
        w.from,
        w.to,
      )
      countsByWindow.set(name, new Map(rows.map((r) => [r.author_id, { visits: r.visits, households: r.households }])))
    }
    const villageHouseholds = new Map<string, number>()
    const householdsOf = async (p: string) => {
      if (!villageHouseholds.has(p)) villageHouseholds.set(p, await repo.householdCountIn(this.db, p))
      return villageHouseholds.get(p)!
    }

    const cadreRows: Compliance['cadres'] = []
    for (const c of cadres) {
      const applicable = rules.filter((r) => c.roles.includes(r.role) && (!r.station || r.station === c.station))
      const lines: Compliance['cadres'][number]['rules'] = []
      for (const rule of applicable) {
        const w = windows[rule.period]
        const counts = countsByWindow.get(rule.period)!.get(c.id) ?? { visits: 0, households: 0 }
        let done: number
        let required: number
        if (rule.measure === 'visits') {
          done = counts.visits
          required = rule.period === 'week' ? rule.target * weeksIn(period) : rule.target
        } else {
          // Household rules are about the cadre's own village (or grid's village).
          const villagePath = c.region_level === 'grid' ? c.region_path.split('/').slice(0, -2).join('/') + '/' : c.region_path
          const households = await householdsOf(villagePath)
          done = await repo.authorHouseholdsIn(this.db, c.id, villagePath, w.from, w.to)
          required = rule.measure === 'household_share' ? Math.ceil((households * rule.target) / 100) : households
        }
        lines.push({ ruleId: rule.id, description: rule.description, measure: rule.measure, period: rule.period, periodStart: w.start, periodEnd: w.end, done, required, met: done >= required })
      }
      if (lines.length) cadreRows.push({ userId: c.id, name: c.name, roles: c.roles, regionCode: c.region_code, regionName: c.region_name, rules: lines, behind: lines.some((l) => !l.met) })
    }

    const shareRule = rules.find((r) => r.measure === 'household_share')
    const share = shareRule?.target ?? 8
    const villages = region.level === 'village' ? [{ code: region.code, name: region.name, path }] : await repo.villagesIn(this.db, path)
    const coverage = await repo.villageCoverage(
      this.db,
      villages.map((v) => v.path),
      month.from,
      month.to,
      year.from,
      year.to,
    )
    const byPath = new Map(coverage.map((c) => [c.path, c]))
    return {
      period,
      regionCode: region.code,
      cadres: cadreRows,
      villages: villages.map((v) => {
        const c = byPath.get(v.path) ?? { households: 0, visited_period: 0, visited_year: 0 }
        return {
          regionCode: v.code,
          regionName: v.name,
          households: c.households,
          visitedThisPeriod: c.visited_period,
          requiredThisPeriod: Math.ceil((c.households * share) / 100),
          sharePercent: c.households ? Math.round((c.visited_period / c.households) * 1000) / 10 : 0,
          visitedThisYear: c.visited_year,
          neverVisitedThisYear: c.households - c.visited_year,
        }
      }),
    }
  }

  async scheduleVisitDay(actor: Actor, body: { regionCode: string; date: string; title?: string }, ip?: string) {
    requirePermission(actor, 'visits.manage')
    const region = await this.regions.resolveForWrite(actor, body.regionCode)
    if (region.level !== 'town') throw badRequest('INVALID_REGION_LEVEL', '民情日按镇街安排', { level: region.level })
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    if (body.date < today) throw badRequest('VALIDATION_FAILED', '民情日不能安排在过去')
    const title = body.title ?? `${region.name}民情日`
    const id = await this.db.transaction().execute(async (trx) => {
      if (await repo.visitDayTaken(trx, region.id, body.date)) throw conflict('VISIT_DAY_TAKEN', '该镇街当天已安排民情日')
      const { id } = await repo.insertVisitDay(trx, { regionId: region.id, date: body.date, title, createdBy: actor.userId })
      await audit(trx, { actor, action: 'visits.day_schedule', entityType: 'visit_day', entityId: id, regionId: region.id, ip, details: body })
      return id
    })
    await this.bus.publish('visits.day_scheduled', { id, regionCode: region.code, date: body.date, title })
    return { id, regionCode: region.code, regionName: region.name, date: body.date, title, createdAt: new Date().toISOString() }
  }

  async visitDays(actor: Actor) {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    return (await repo.visitDays(this.db, scopeOf(actor), today)).map((d) => ({
      id: d.id,
      regionCode: d.region_code,
      regionName: d.region_name,
      date: d.date,
      title: d.title,
      createdAt: d.created_at.toISOString(),
    }))
  }

  /**
   * Reminders to those falling behind: publishes `visits.behind` per cadre; the notifications module
   * (cases issue) delivers them. Run by a daily job.
   */
  async remindBehind(rootCode: string, period = currentMonthCN()) {
    const system = systemActor(rootCode)
    const c = await this.compliance(system, rootCode, period)
    const behind = c.cadres.filter((x) => x.behind)
    for (const cadre of behind)
      await this.bus.publish('visits.behind', {
        userId: cadre.userId,
        period,
        rules: cadre.rules.filter((r) => !r.met).map((r) => ({ description: r.description, done: r.done, required: r.required })),
      })
    return behind.length
  }
}

function systemActor(regionCode: string): Actor {
  return {
    userId: SYSTEM_ACTOR_ID,
    sessionId: '',
    name: 'system',
    phone: '',
    roles: ['admin'],
    regionId: 0,
    regionCode,
    regionName: '',
    regionLevel: 'county',
    regionPath: '/',
    unitId: null,
    station: null,
  }
}

function toRule(r: Awaited<ReturnType<typeof repo.visitRules>>[number]): VisitRule {
  return { id: r.id, role: r.role, station: r.station, measure: r.measure, period: r.period, target: r.target, description: r.description, active: r.active }
}

const KIND_LABEL: Record<string, string> = { village: '民情日记', community: '驻社日记', enterprise: '企情日记' }
const MOOD_LABEL: Record<string, string> = { calm: '平稳', concerned: '关注', anxious: '焦虑', angry: '不满', pleased: '满意' }

/** Diary entries about a household or its members appear on its timeline (一事一表). */
const diaryTimeline = async (db: Kysely<DB>, subject: { householdId: string; memberIds: string[] }): Promise<TimelineItem[]> => {
  let q = db
    .selectFrom('diary_entries as e')
    .innerJoin('users as u', 'u.id', 'e.author_id')
    .select(['e.id', 'e.occurred_at', 'e.text', 'e.mood', 'e.kind', 'u.name'])
    .where((eb) => eb.or([eb('e.household_id', '=', subject.householdId), ...(subject.memberIds.length ? [eb('e.person_id', 'in', subject.memberIds)] : [])]))
  q = q.orderBy('e.occurred_at', 'desc').limit(200)
  return (await q.execute()).map((e) => ({
    at: e.occurred_at.toISOString(),
    kind: 'diary',
    title: `走访 · ${KIND_LABEL[e.kind] ?? '民情日记'}${e.mood ? `(${MOOD_LABEL[e.mood] ?? e.mood})` : ''}`,
    detail: e.text.length > 120 ? e.text.slice(0, 120) + '…' : e.text,
    actorName: e.name,
    ref: { type: 'diary', id: e.id },
  }))
}
