import type { Actor } from '../../platform/policy.ts'
import { pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import { forbidden, notFound } from '../../platform/errors.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import { regionPathString } from '../regions/regions.service.ts'

/** Who may watch a region's cockpit, and which subtree a stream follows. */
export class CockpitService {
  constructor(private regions: RegionsService) {}

  /**
   * The stored path of the region a cockpit stream follows: the caller's own region by default, or one in their
   * subtree. A region outside it (an ancestor too: the stream would tell when a sibling village has news) is 404,
   * as everywhere. Who may: whoever may read the statistics it announces (stats.read, as the summary itself).
   */
  async streamPath(actor: Actor, regionCode: string | undefined): Promise<string> {
    if (actor.reporterOf) throw forbidden()
    requirePermission(actor, 'stats.read')
    if (!regionCode || regionCode === actor.regionCode) return actor.regionPath
    const region = await this.regions.get(actor, regionCode)
    const path = regionPathString(region)
    if (!pathInScope(scopeOf(actor), path)) throw notFound('区域')
    return path
  }
}
