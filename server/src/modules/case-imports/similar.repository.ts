import { OPEN_STATES } from '@minqing/common'
import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'
import { regionIdUnder, type Scope } from '../../platform/policy.ts'

// Candidates for "similar open case": the open cases of one grid or village the caller may see. The
// similarity itself is computed over them in TypeScript (similar.ts): no pg_trgm, which PGlite lacks.

export interface Candidate {
  id: string
  number: string
  title: string
  description: string
  state: string
  created_at: Date
  region_code: string
  region_name: string
}

export async function openCasesIn(db: Executor, area: { path: string } | { regionId: number }, scope: Scope, excludeId: string | undefined, limit: number): Promise<Candidate[]> {
  let q = db
    .selectFrom('cases as c')
    .innerJoin('regions as r', 'r.id', 'c.region_id')
    .select(['c.id', 'c.number', 'c.title', 'c.description', 'c.state', 'c.created_at', 'r.code as region_code', 'r.name as region_name'])
    .where('c.state', 'in', [...OPEN_STATES])
    .where((eb) => eb.or([sql<boolean>`r.path like ${scope.regionPath + '%'}`, ...(scope.unitId ? [eb('c.unit_id', '=', scope.unitId)] : [])]))
  q = 'path' in area ? q.where(regionIdUnder('c.region_id', area.path)) : q.where('c.region_id', '=', area.regionId)
  if (excludeId) q = q.where('c.id', '<>', excludeId)
  return q.orderBy('c.created_at', 'desc').orderBy('c.id').limit(limit).execute()
}
