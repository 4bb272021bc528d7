import type { Executor } from '../db/types.ts'

// Rows of `api_clients`: the systems that call us with a key (Open311 clients, platforms pushing cases).

export type ApiClientKind = 'open311' | 'push'

const clientColumns = [
  'a.id',
  'a.name',
  'a.kind',
  'a.key_prefix',
  'a.source_code',
  'a.region_id',
  'a.created_by',
  'a.created_at',
  'a.last_used_at',
  'a.revoked_at',
  'r.code as region_code',
  'r.name as region_name',
  'r.path as region_path',
  'r.level as region_level',
] as const

const clients = (db: Executor) => db.selectFrom('api_clients as a').leftJoin('regions as r', 'r.id', 'a.region_id').select(clientColumns)

export type ApiClientRow = NonNullable<Awaited<ReturnType<typeof findApiClient>>>

export async function insertApiClient(
  db: Executor,
  row: { kind: ApiClientKind; name: string; keyHash: string; keyPrefix: string; regionId: number | null; sourceCode: string | null; createdBy: string | null },
) {
  const { id } = await db
    .insertInto('api_clients')
    .values({
      kind: row.kind,
      name: row.name,
      key_hash: row.keyHash,
      key_prefix: row.keyPrefix,
      region_id: row.regionId,
      source_code: row.sourceCode,
      created_by: row.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return (await findApiClient(db, id))!
}

export async function findApiClient(db: Executor, id: string) {
  return clients(db).where('a.id', '=', id).executeTakeFirst()
}

/** The live (not revoked) client of a kind holding the key with this hash. */
export async function findLiveClientByHash(db: Executor, kind: ApiClientKind, keyHash: string) {
  return clients(db).where('a.key_hash', '=', keyHash).where('a.kind', '=', kind).where('a.revoked_at', 'is', null).executeTakeFirst()
}

/** Clients of a kind whose region lies under `regionPath` (or that have no region, when `withoutRegion`), newest first. */
export async function listApiClients(db: Executor, kind: ApiClientKind, regionPath: string, opts: { withoutRegion?: boolean } = {}) {
  return clients(db)
    .where('a.kind', '=', kind)
    .where((eb) => {
      const inTree = eb('r.path', 'like', regionPath + '%')
      return opts.withoutRegion ? eb.or([inTree, eb('a.region_id', 'is', null)]) : inTree
    })
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .execute()
}

export async function markUsed(db: Executor, id: string, at: Date) {
  await db.updateTable('api_clients').set({ last_used_at: at }).where('id', '=', id).execute()
}

/** Revokes a live key; answers false when it was already revoked. */
export async function markRevoked(db: Executor, id: string, at: Date) {
  const res = await db.updateTable('api_clients').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  return Number(res.numUpdatedRows) > 0
}
