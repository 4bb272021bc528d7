import type { CreateGrid, Region, RegionDetail, RegionSummary } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB, RegionRow } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.ts'
import { type Actor, assertWritableRegion, isAncestorPath, pathInScope, requireRole, scopeOf } from '../../platform/policy.ts'
import * as repo from './regions.repository.ts'

export const pathCodes = (path: string) => path.split('/').filter(Boolean)
/** The stored path (`/330600/330683/…/`) of a region as the API shows it (its codes from the root down). */
export const regionPathString = (region: { path: string[] }) => `/${region.path.join('/')}/`

function toRegion(row: RegionRow & { child_count?: number }): Region {
  const codes = pathCodes(row.path)
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    parentCode: codes.length > 1 ? codes[codes.length - 2] : null,
    path: codes,
    childCount: row.child_count ?? 0,
  }
}

export class RegionsService {
  constructor(private db: Kysely<DB>) {}

  /** Root(s) of what the actor may browse: their own region. */
  async roots(actor: Actor): Promise<Region[]> {
    const own = await repo.findRegionByCode(this.db, actor.regionCode)
    return own ? [toRegion(own)] : []
  }

  async children(actor: Actor, parentCode: string, q?: string): Promise<Region[]> {
    const parent = await repo.findRegionByCode(this.db, parentCode)
    // Listing children needs the parent inside the subtree; an ancestor's other children are out of scope.
    if (!parent || !pathInScope(scopeOf(actor), parent.path)) throw notFound('区域')
    return (await repo.listChildren(this.db, parent.id, q)).map(toRegion)
  }

  async search(actor: Actor, q: string): Promise<Region[]> {
    return (await repo.searchInScope(this.db, scopeOf(actor), q)).map(toRegion)
  }

  /**
   * One region with its ancestors. Visible: anything in the actor's subtree, and the actor's own ancestors
   * (a cadre of 雅璜村 may see that it lies in 石璜镇, not what else 石璜镇 holds).
   */
  async get(actor: Actor, code: string): Promise<RegionDetail> {
    const row = await repo.findRegionByCode(this.db, code)
    const scope = scopeOf(actor)
    if (!row || !(pathInScope(scope, row.path) || isAncestorPath(scope, row.path))) throw notFound('区域')
    const codes = pathCodes(row.path).slice(0, -1)
    const ancestors = (await repo.findRegionsByCodes(this.db, codes)).map(toRegion)
    return { ...toRegion(row), ancestors }
  }

  /** The stored path of a region the actor may see, to filter a list by (no code, no filter). */
  async filterPath(actor: Actor, code: string | undefined): Promise<string | undefined> {
    return code ? regionPathString(await this.get(actor, code)) : undefined
  }

  /** Resolve a code the actor names in a write: unknown → 400, outside their subtree → 403. */
  async resolveForWrite(actor: Actor, code: string): Promise<RegionRow> {
    const row = await repo.findRegionByCode(this.db, code)
    if (!row) throw badRequest('UNKNOWN_REGION', `区域代码不存在: ${code}`, { regionCode: code })
    assertWritableRegion(scopeOf(actor), row.path)
    return row
  }

  async summary(actor: Actor, code: string): Promise<RegionSummary> {
    const row = await repo.findRegionByCode(this.db, code)
    if (!row || !pathInScope(scopeOf(actor), row.path)) throw notFound('区域')
    const [totals, children, usersByRole] = await Promise.all([repo.subtreeTotals(this.db, row.path), repo.childSummaries(this.db, row.id), repo.usersByRole(this.db, row.path)])
    return { region: toRegion(row), totals, children, usersByRole }
  }

  /** Admins add grids (网格) under villages; the code is the village code plus a 3-digit serial. */
  async createGrid(actor: Actor, body: CreateGrid, ip?: string): Promise<Region> {
    requireRole(actor, 'admin')
    const parent = await this.resolveForWrite(actor, body.parentCode)
    if (parent.level !== 'village') throw badRequest('VALIDATION_FAILED', '网格只能建在村社之下', { parentLevel: parent.level })
    return this.db.transaction().execute(async (trx) => {
      // Parallel creations under one village read the same max(code) and collide on the next serial (a
      // unique-key 500 on PostgreSQL, issue 11): the village's row lock makes them take turns.
      await repo.lockRegion(trx, parent.id)
      let code = body.code
      if (code) {
        if (!code.startsWith(parent.code)) throw badRequest('VALIDATION_FAILED', '网格代码须以所属村社代码开头')
        if (await repo.findRegionByCode(trx, code)) throw conflict('REGION_CODE_TAKEN', `区域代码已存在: ${code}`)
      } else {
        const max = await repo.maxChildCode(trx, parent.id)
        const next = max ? Number(max.slice(parent.code.length)) + 1 : 1
        if (next > 999) throw new AppError(409, 'CONFLICT', '该村社网格数已达上限')
        code = parent.code + String(next).padStart(3, '0')
      }
      const taken = () => conflict('REGION_CODE_TAKEN', `区域代码已存在: ${code}`)
      const row = await repo.insertRegion(trx, { code, name: body.name, level: 'grid', parentId: parent.id, path: `${parent.path}${code}/`, depth: parent.depth + 1 }).catch((err: unknown) => {
        // Any other writer of this code (an import, another process): the user's conflict, not a 500.
        throw (err as { code?: string })?.code === '23505' ? taken() : err
      })
      await audit(trx, { actor, action: 'region.create', entityType: 'region', entityId: code, regionId: row.id, ip, details: { name: body.name } })
      return toRegion(row)
    })
  }

  async rename(actor: Actor, code: string, name: string, ip?: string): Promise<Region> {
    requireRole(actor, 'admin')
    const row = await repo.findRegionByCode(this.db, code)
    const scope = scopeOf(actor)
    if (!row || !(pathInScope(scope, row.path) || isAncestorPath(scope, row.path))) throw notFound('区域')
    assertWritableRegion(scope, row.path)
    return this.db.transaction().execute(async (trx) => {
      const updated = await repo.updateRegionName(trx, row.id, name)
      await audit(trx, { actor, action: 'region.rename', entityType: 'region', entityId: code, regionId: row.id, ip, details: { from: row.name, to: name } })
      return toRegion({ ...updated, child_count: row.child_count })
    })
  }
}
