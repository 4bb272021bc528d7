import { SIMILAR_MAX, type SimilarCase } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { notFound } from '../../platform/errors.ts'
import { type Actor, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import { type CasesService, levelRegionPath } from '../cases/cases.service.ts'
import { regionByCode } from './case-imports.repository.ts'
import { SIMILAR_THRESHOLD, textSimilarity } from './similar.ts'
import { openCasesIn } from './similar.repository.ts'

/** The newest open cases of one place looked at; older ones are rarely the same matter still. */
const CANDIDATES = 500

/**
 * Duplicates on the way in: open cases at the same place (the same grid or village) whose text is like the
 * new report's, best first — for the operator to see before raising one more, and to merge on the case page.
 */
export class SimilarService {
  constructor(
    private db: Kysely<DB>,
    private engine: CasesService,
  ) {}

  async similar(actor: Actor, query: { regionCode: string; text: string; excludeId?: string; limit?: number }): Promise<{ items: SimilarCase[] }> {
    requirePermission(actor, 'cases.raise')
    const region = await regionByCode(this.db, query.regionCode)
    if (!region || !pathInScope(scopeOf(actor), region.path)) throw notFound('区域')
    // A grid's or village's report is compared with the whole village (grids are drawn finer than people
    // place things); a town's or the county's own cases only with each other.
    const area = region.level === 'grid' || region.level === 'village' ? { path: levelRegionPath(region.path, 'village') } : { regionId: region.id }
    const candidates = await openCasesIn(this.db, area, scopeOf(actor), query.excludeId, CANDIDATES)
    const scored = candidates
      .map((c) => ({ c, score: textSimilarity(query.text, c.title, c.description) }))
      .filter((x) => x.score >= SIMILAR_THRESHOLD)
      .sort((a, b) => b.score - a.score || b.c.created_at.getTime() - a.c.created_at.getTime())
      .slice(0, Math.min(query.limit ?? 5, SIMILAR_MAX))
    const items: SimilarCase[] = []
    for (const { c, score } of scored) {
      // What the caller may do with it (merge, for a dispatcher of its level), by the engine's own rules.
      const allowedActions = await this.engine.get(actor, c.id).then(
        (d) => d.allowedActions,
        () => [] as string[],
      )
      items.push({
        id: c.id,
        number: c.number,
        title: c.title,
        state: c.state as SimilarCase['state'],
        regionCode: c.region_code,
        regionName: c.region_name,
        createdAt: new Date(c.created_at).toISOString(),
        score: Math.round(score * 1000) / 1000,
        allowedActions,
      })
    }
    return { items }
  }
}
