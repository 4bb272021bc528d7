import { CASE_LEVELS, type PublicUrlInfo, type QrTarget } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { notFound } from '../../platform/errors.ts'
import { type Actor, pathInScope, requirePermission, scopeOf, visibleRow } from '../../platform/policy.ts'
import * as repo from './intake.repository.ts'
import { newPlaceQrCode, qrPng } from './qr.ts'

/**
 * 民情码 posters for the console: a code per region (county down to grid) and per place, for signed-in users whose
 * area contains it. Out of the area, or a region no case can belong to (the city), answers 404.
 */
export class QrService {
  constructor(private db: Kysely<DB>) {}

  private async areaNames(path: string) {
    // From the county down: the city is the same on every poster of a county.
    return (await repo.regionsOnPath(this.db, path)).filter((r) => r.level !== 'city').map((r) => r.name)
  }

  async regionTarget(actor: Actor, code: string, base: PublicUrlInfo): Promise<QrTarget> {
    const r = await repo.findRegionByCode(this.db, code)
    if (!r || !pathInScope(scopeOf(actor), r.path) || !(CASE_LEVELS as readonly string[]).includes(r.level)) throw notFound('区域')
    return {
      kind: 'region',
      code: r.code,
      name: r.name,
      regionCode: r.code,
      regionName: r.name,
      areaNames: await this.areaNames(r.path),
      placeId: null,
      url: `${base.value}/r/${r.code}`,
      pngUrl: `/api/qr/regions/${r.code}.png`,
      publicUrl: base,
    }
  }

  /** A place's poster; its code is made the first time anyone asks for it. */
  async placeTarget(actor: Actor, id: string, base: PublicUrlInfo): Promise<QrTarget> {
    requirePermission(actor, 'archive.read')
    const p = await repo.findPlaceById(this.db, id)
    visibleRow(actor, p && { region_path: p.region_path }, '场所')
    if (!(CASE_LEVELS as readonly string[]).includes(p!.region_level)) throw notFound('场所')
    const code = p!.qr_code ?? (await this.assignCode(p!.id))
    return {
      kind: 'place',
      code,
      name: p!.name,
      regionCode: p!.region_code,
      regionName: p!.region_name,
      areaNames: await this.areaNames(p!.region_path),
      placeId: p!.id,
      url: `${base.value}/r/${code}`,
      pngUrl: `/api/qr/places/${p!.id}.png`,
      publicUrl: base,
    }
  }

  private async assignCode(placeId: string): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const code = await repo.setPlaceQrIfMissing(this.db, placeId, newPlaceQrCode())
        if (code) return code
      } catch (err) {
        // Another place already has this code (1 in 2^40 per pair): draw again.
        if ((err as { code?: string }).code !== '23505') throw err
      }
    }
    throw new Error('could not assign a unique 民情码 to the place')
  }

  async png(target: QrTarget, size: number) {
    return qrPng(target.url, size)
  }
}
