import { type ClusterDetail, type ClusterSummary, isOpenState, type SimilarItem } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { notFound } from '../../platform/errors.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import { isVisible, readsOwnReportsOnly, villagePath } from '../cases/access.ts'
import type { CaseRow } from '../cases/cases.repository.ts'
import type { CasesService } from '../cases/cases.service.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import { docsOf } from './docs.repository.ts'
import { caseText } from './indexer.ts'
import { lookup, MERGE_THRESHOLD, placeOf } from './similar.ts'
import * as repo from './similar.repository.ts'
import type { DocKey } from './similar.repository.ts'
import { tokenize } from './text.ts'

const DAY = 86_400_000
const excerpt = (s: string, n = 80) => {
  const t = s.replace(/\s+/g, ' ').trim()
  return [...t].length > n ? [...t].slice(0, n).join('') + '…' : t
}
/** Asia/Shanghai calendar day of an instant. */
const shanghaiDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10)

type CaseInfo = Awaited<ReturnType<typeof repo.caseRows>>[number]
type DiaryInfo = Awaited<ReturnType<typeof repo.diaryRows>>[number]

/** Similar cases and 一类事 as the caller may see them (case and diary visibility rules). */
export class SimilarService {
  constructor(
    private db: Kysely<DB>,
    private cases: CasesService,
    private regions: RegionsService,
  ) {}

  /** A diary entry is read by those who keep or review diaries in its area (as the diary module's visibleRow). */
  private seesDiary(actor: Actor, regionPath: string) {
    return !readsOwnReportsOnly(actor) && (hasPermission(actor, 'diary.write') || hasPermission(actor, 'diary.review')) && pathInScope(scopeOf(actor), regionPath)
  }

  private seesCase(actor: Actor, c: CaseInfo) {
    return isVisible(actor, c as unknown as CaseRow)
  }

  /** Loads the rows of `docs` and keeps those the caller may see. */
  private async visible(actor: Actor, docs: DocKey[]) {
    const [cases, diaries] = await Promise.all([
      repo.caseRows(
        this.db,
        docs.filter((d) => d.kind === 'case').map((d) => d.refId),
      ),
      repo.diaryRows(
        this.db,
        docs.filter((d) => d.kind === 'diary').map((d) => d.refId),
      ),
    ])
    const caseMap = new Map<string, CaseInfo>(cases.filter((c) => this.seesCase(actor, c)).map((c) => [c.id, c]))
    const diaryMap = new Map<string, DiaryInfo>(diaries.filter((d) => this.seesDiary(actor, d.region_path)).map((d) => [d.id, d]))
    return { caseMap, diaryMap }
  }

  async caseSimilar(actor: Actor, caseId: string, query: { limit?: number; days?: number }): Promise<SimilarItem[]> {
    // The case itself must be visible: 404 otherwise, as on its page.
    await this.cases.get(actor, caseId)
    const [self] = await repo.caseRows(this.db, [caseId])
    if (!self) throw notFound('事项')
    const [doc] = await docsOf(this.db, 'case', [caseId])
    const tokens = doc?.tokens ?? tokenize(caseText(self))
    const limit = query.limit ?? 10
    const now = Date.now()
    const found = await lookup(this.db, tokens, new Date(now - (query.days ?? 180) * DAY), new Date(now + DAY), { kind: 'case', refId: caseId }, Math.max(60, limit * 4))
    const hits = found.filter((x) => x.score > 0.05)
    const { caseMap, diaryMap } = await this.visible(actor, hits)
    const clusters = await repo.membershipOf(this.db, hits)
    const selfOpen = isOpenState(self.state)
    const items: SimilarItem[] = []
    for (const h of hits) {
      const score = Math.round(h.score * 1000) / 1000
      const clusterId = clusters.get(`${h.kind}:${h.refId}`) ?? null
      if (h.kind === 'case') {
        const c = caseMap.get(h.refId)
        if (!c) continue
        items.push({
          kind: 'case',
          id: c.id,
          score,
          number: c.number,
          title: c.title,
          excerpt: excerpt(c.description),
          regionCode: c.region_code,
          regionName: c.region_name,
          regionPath: c.region_path,
          state: c.state as SimilarItem['state'],
          at: new Date(c.created_at).toISOString(),
          mergeSuggested: selfOpen && isOpenState(c.state) && score >= MERGE_THRESHOLD && villagePath(c.region_path) === villagePath(self.region_path),
          clusterId,
        })
      } else {
        const d = diaryMap.get(h.refId)
        if (!d) continue
        items.push({
          kind: 'diary',
          id: d.id,
          score,
          number: null,
          title: excerpt(d.text, 24),
          excerpt: excerpt(d.text),
          regionCode: d.region_code,
          regionName: d.region_name,
          regionPath: d.region_path,
          state: null,
          at: new Date(d.occurred_at).toISOString(),
          mergeSuggested: false,
          clusterId,
        })
      }
      if (items.length >= limit) break
    }
    return items
  }

  private async summaries(rows: repo.ClusterRow[]): Promise<ClusterSummary[]> {
    const ids = rows.map((r) => r.id)
    const spread = await repo.clusterSpread(this.db, ids)
    const codes = new Set<string>()
    for (const r of spread.regions) codes.add(placeOf(r.region_path).split('/').pop()!)
    const regionInfo = new Map((await repo.regionsByCodes(this.db, [...codes])).map((r) => [r.code, r]))
    return rows.map((c) => {
      const byPlace = new Map<string, number>()
      for (const r of spread.regions.filter((x) => x.cluster_id === c.id)) {
        const code = placeOf(r.region_path).split('/').pop()!
        byPlace.set(code, (byPlace.get(code) ?? 0) + r.n)
      }
      const regions = [...byPlace]
        .map(([code, count]) => ({ code, name: regionInfo.get(code)?.name ?? code, level: regionInfo.get(code)?.level ?? '', count }))
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
      const towns = new Set([...byPlace.keys()].map((code) => code.slice(0, 9)))
      return {
        id: c.id,
        label: c.label,
        keywords: c.keywords,
        size: c.size,
        regions,
        villages: regions.filter((r) => r.code.length >= 12).length,
        towns: towns.size,
        sources: spread.sources
          .filter((s) => s.cluster_id === c.id)
          .map((s) => ({ source: s.source, count: s.n }))
          .sort((a, b) => b.count - a.count),
        firstSeen: new Date(c.first_at).toISOString(),
        lastSeen: new Date(c.last_at).toISOString(),
        alertId: c.alert_id,
      }
    })
  }

  async clusters(actor: Actor, query: { regionCode?: string; days?: number; limit?: number }): Promise<ClusterSummary[]> {
    requirePermission(actor, 'stats.read')
    const path = (await this.regions.filterPath(actor, query.regionCode)) ?? actor.regionPath
    const rows = await repo.clustersTouching(this.db, path, new Date(Date.now() - (query.days ?? 30) * DAY), query.limit ?? 50)
    return this.summaries(rows)
  }

  async cluster(actor: Actor, id: string): Promise<ClusterDetail> {
    requirePermission(actor, 'stats.read')
    const [row] = await repo.clustersById(this.db, [id])
    const members = row ? await repo.clusterMembers(this.db, id) : []
    // A cluster that touches nothing of the caller's area does not exist for them.
    if (!row || !members.some((m) => pathInScope(scopeOf(actor), m.region_path))) throw notFound('一类事')
    const [summary] = await this.summaries([row])
    const { caseMap, diaryMap } = await this.visible(
      actor,
      members.map((m) => ({ kind: m.doc_kind, refId: m.ref_id })),
    )
    const shown: ClusterDetail['members'] = []
    for (const m of members) {
      const base = { source: m.source, at: new Date(m.at).toISOString(), score: Math.round(m.score * 1000) / 1000 }
      if (m.doc_kind === 'case') {
        const c = caseMap.get(m.ref_id)
        if (c)
          shown.push({
            kind: 'case',
            id: c.id,
            number: c.number,
            title: c.title,
            excerpt: excerpt(c.description),
            regionCode: c.region_code,
            regionName: c.region_name,
            state: c.state as SimilarItem['state'],
            lat: c.lat,
            lng: c.lng,
            ...base,
          })
      } else {
        const d = diaryMap.get(m.ref_id)
        if (d)
          shown.push({
            kind: 'diary',
            id: d.id,
            number: null,
            title: excerpt(d.text, 24),
            excerpt: excerpt(d.text),
            regionCode: d.region_code,
            regionName: d.region_name,
            state: null,
            lat: null,
            lng: null,
            ...base,
          })
      }
    }
    const perDay = new Map<string, number>()
    for (const m of members) perDay.set(shanghaiDay(new Date(m.at)), (perDay.get(shanghaiDay(new Date(m.at))) ?? 0) + 1)
    return {
      ...summary,
      members: shown,
      hidden: members.length - shown.length,
      perDay: [...perDay].sort((a, b) => a[0].localeCompare(b[0])).map(([day, count]) => ({ day, count })),
    }
  }
}
