import type { Executor, RegionRow } from '../../db/types.ts'

// Reference data for cases from other platforms, and what the import reads of the cases it upserts. The
// cases themselves are written by the case engine only.

export type RegionInfo = Pick<RegionRow, 'id' | 'code' | 'name' | 'level' | 'path'>

/** Every region in the subtree: a row names a region inside the importer's (or API client's) area. */
export async function regionsUnder(db: Executor, scopePath: string): Promise<RegionInfo[]> {
  return db
    .selectFrom('regions')
    .select(['id', 'code', 'name', 'level', 'path'])
    .where('path', 'like', scopePath + '%')
    .execute()
}

export async function regionByCode(db: Executor, code: string): Promise<RegionInfo | undefined> {
  return db.selectFrom('regions').select(['id', 'code', 'name', 'level', 'path']).where('code', '=', code).executeTakeFirst()
}

export interface CategoryInfo {
  code: string
  name: string
}

export async function activeCategories(db: Executor): Promise<CategoryInfo[]> {
  return db.selectFrom('categories').select(['code', 'name']).where('active', '=', true).orderBy('sort').orderBy('id').execute()
}

/** The version of each case another platform's ids name (a case the engine changed has a higher one after). */
export async function versionsByExternal(db: Executor, source: string, externalIds: string[]): Promise<Map<string, number>> {
  if (externalIds.length === 0) return new Map()
  const rows = await db.selectFrom('cases').select(['external_id', 'version']).where('source', '=', source).where('external_id', 'in', externalIds).execute()
  return new Map(rows.map((r) => [r.external_id!, r.version]))
}
