import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'
import type { BuiltinSource } from './sources.defaults.ts'

// case_sources: the platforms cases come from, each with its saved column mapping and status map.

const sourceBase = (db: Executor) =>
  db
    .selectFrom('case_sources as s')
    .leftJoin('regions as r', 'r.id', 's.region_id')
    .select(['s.code', 's.name', 's.channel', 's.mapping', 's.status_map', 's.region_id', 's.created_at', 's.updated_at', 'r.code as region_code', 'r.name as region_name', 'r.path as region_path'])

export type SourceRow = NonNullable<Awaited<ReturnType<typeof findSource>>>

export async function findSource(db: Executor, code: string) {
  return sourceBase(db).where('s.code', '=', code).executeTakeFirst()
}

export async function listSources(db: Executor) {
  return sourceBase(db).orderBy('s.created_at').orderBy('s.code').execute()
}

/** The built-in sources that are missing (an existing row, edited or not, is left alone). */
export async function insertMissingSources(db: Executor, rows: BuiltinSource[]) {
  if (rows.length === 0) return
  await db
    .insertInto('case_sources')
    .values(rows.map((r) => ({ code: r.code, name: r.name, channel: r.channel, mapping: JSON.stringify(r.mapping), status_map: JSON.stringify(r.statusMap) })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute()
}

export async function insertSource(db: Executor, row: { code: string; name: string; channel: string; mapping: Record<string, string>; statusMap: Record<string, string>; regionId: number | null }) {
  const res = await db
    .insertInto('case_sources')
    .values({ code: row.code, name: row.name, channel: row.channel, mapping: JSON.stringify(row.mapping), status_map: JSON.stringify(row.statusMap), region_id: row.regionId })
    .onConflict((oc) => oc.column('code').doNothing())
    .executeTakeFirst()
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function updateSource(
  db: Executor,
  code: string,
  patch: { name?: string; channel?: string; mapping?: Record<string, string>; statusMap?: Record<string, string>; regionId?: number | null },
) {
  await db
    .updateTable('case_sources')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.channel !== undefined ? { channel: patch.channel } : {}),
      ...(patch.mapping !== undefined ? { mapping: JSON.stringify(patch.mapping) } : {}),
      ...(patch.statusMap !== undefined ? { status_map: JSON.stringify(patch.statusMap) } : {}),
      ...(patch.regionId !== undefined ? { region_id: patch.regionId } : {}),
      updated_at: sql`now()` as any,
    })
    .where('code', '=', code)
    .execute()
}
