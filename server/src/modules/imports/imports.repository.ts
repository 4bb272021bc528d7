import { sql, type Transaction } from 'kysely'
import type { DB, Executor, HouseholdsTable, ImportJobsTable, PersonsTable, RegionRow, TagsTable } from '../../db/types.ts'
import type { Selectable } from 'kysely'

// The bulk path passes each column as one array parameter and lets `unnest` turn them into rows: a
// thousand rows cost one statement with a handful of parameters, on PostgreSQL and on PGlite alike.

// ---- reference data -----------------------------------------------------------------------
export type RegionInfo = Pick<RegionRow, 'id' | 'code' | 'name' | 'level' | 'path'>

/** Every region in the subtree: an import names codes of villages and grids inside the importer's area. */
export async function regionsUnder(db: Executor, scopePath: string): Promise<RegionInfo[]> {
  return db
    .selectFrom('regions')
    .select(['id', 'code', 'name', 'level', 'path'])
    .where('path', 'like', scopePath + '%')
    .execute()
}

export type TagInfo = Pick<Selectable<TagsTable>, 'id' | 'code' | 'name' | 'applies_to'>

export async function allTags(db: Executor): Promise<TagInfo[]> {
  return db.selectFrom('tags').select(['id', 'code', 'name', 'applies_to']).orderBy('sort').orderBy('id').execute()
}

/** The catalogue rows a caller needs, added when missing (by code); returns how many were new. */
export async function ensureTags(db: Executor, rows: { code: string; name: string; applies_to: TagInfo['applies_to']; color: string; sort: number }[]) {
  const res = await db
    .insertInto('tags')
    .values(rows.map((r) => ({ ...r, builtin: true })))
    .onConflict((oc) => oc.column('code').doNothing())
    .executeTakeFirst()
  return Number(res.numInsertedOrUpdatedRows ?? 0)
}

// ---- households -----------------------------------------------------------------------------
export type ExistingHousehold = Pick<Selectable<HouseholdsTable>, 'id' | 'region_id' | 'address' | 'head_person_id'> & { head_name: string | null }

export async function householdsByKey(db: Executor, keys: { regionId: number; address: string }[]): Promise<ExistingHousehold[]> {
  if (keys.length === 0) return []
  const res = await sql<ExistingHousehold>`
    select h.id, h.region_id, h.address, h.head_person_id, hp.name as head_name
    from households h
    left join persons hp on hp.id = h.head_person_id
    where (h.region_id, h.address) in (select * from unnest(${keys.map((k) => k.regionId)}::int[], ${keys.map((k) => k.address)}::text[]))`.execute(db)
  return res.rows
}

/** Insert households that are not there yet; returns the ids actually inserted (a concurrent writer may win). */
export async function insertHouseholds(db: Executor, rows: { id: string; regionId: number; address: string; createdBy: string | null }[]) {
  if (rows.length === 0) return new Set<string>()
  const res = await sql<{ id: string }>`
    insert into households (id, region_id, address, created_by)
    select * from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.regionId)}::int[], ${rows.map((r) => r.address)}::text[], ${rows.map((r) => r.createdBy)}::uuid[])
    on conflict (region_id, address) do nothing
    returning id`.execute(db)
  return new Set(res.rows.map((r) => r.id))
}

export async function setHouseholdHeads(db: Executor, rows: { id: string; headPersonId: string }[]) {
  if (rows.length === 0) return
  await sql`
    update households h set head_person_id = v.head, updated_at = now()
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.headPersonId)}::uuid[]) as v(id, head)
    where h.id = v.id`.execute(db)
}

export async function touchHouseholds(db: Executor, ids: string[]) {
  if (ids.length === 0) return
  await sql`update households set updated_at = now() where id = any(${ids}::uuid[])`.execute(db)
}

// ---- persons --------------------------------------------------------------------------------
/** A person as the import matches and compares it: the table's row without the ciphertexts, plus its region's path. */
export type ExistingPerson = Omit<Selectable<PersonsTable>, 'id_enc' | 'phone_enc' | 'created_by' | 'updated_at'> & { region_path: string }

const personColumns = sql`p.id, p.household_id, p.region_id, r.path as region_path, p.name, p.gender, to_char(p.birth_date, 'YYYY-MM-DD') as birth_date,
  p.id_hash, p.id_masked, p.phone_hash, p.phone_masked, p.relation, p.political_status, p.health, p.children_in_city, p.workplace, p.notes, p.created_at`

export async function personsByIdHash(db: Executor, hashes: string[]): Promise<ExistingPerson[]> {
  if (hashes.length === 0) return []
  const res = await sql<ExistingPerson>`
    select ${personColumns} from persons p join regions r on r.id = p.region_id
    where p.id_hash = any(${hashes}::text[])`.execute(db)
  return res.rows
}

/** Members of these households with these names, oldest first (a row without an ID number matches by name). */
export async function personsByHouseholdName(db: Executor, pairs: { householdId: string; name: string }[]): Promise<ExistingPerson[]> {
  if (pairs.length === 0) return []
  const res = await sql<ExistingPerson>`
    select ${personColumns} from persons p join regions r on r.id = p.region_id
    where (p.household_id, p.name) in (select * from unnest(${pairs.map((p) => p.householdId)}::uuid[], ${pairs.map((p) => p.name)}::text[]))
    order by p.created_at, p.id`.execute(db)
  return res.rows
}

/** One person as written by the import; on update a null means "keep what is there". */
export type PersonWrite = Omit<Selectable<PersonsTable>, 'household_id' | 'created_by' | 'created_at' | 'updated_at' | 'name_grams' | 'id_pending_hash'> & { household_id: string }

const PERSON_COLUMNS = `id, household_id, region_id, name, gender, birth_date, id_enc, id_hash, id_masked, phone_enc, phone_hash, phone_masked,
  relation, political_status, health, children_in_city, workplace, notes`
const PERSON_RECORD = sql.raw(`v(id uuid, household_id uuid, region_id int, name text, gender text, birth_date date, id_enc text, id_hash text, id_masked text,
  phone_enc text, phone_hash text, phone_masked text, relation text, political_status text, health text, children_in_city boolean, workplace text, notes text)`)

// Rows travel as one JSON document: JSON.stringify is native and needs none of the array-literal escaping
// the driver does per element, and the server reads it in one pass.
export async function insertPersons(db: Executor, rows: PersonWrite[], createdBy: string | null) {
  if (rows.length === 0) return
  await sql`
    insert into persons (${sql.raw(PERSON_COLUMNS)}, created_by)
    select ${sql.raw(PERSON_COLUMNS)}, ${createdBy}::uuid from json_to_recordset(${JSON.stringify(rows)}::json) as ${PERSON_RECORD}`.execute(db)
}

export async function updatePersons(db: Executor, rows: PersonWrite[]) {
  if (rows.length === 0) return
  await sql`
    update persons p set
      household_id = v.household_id, region_id = v.region_id, name = v.name,
      gender = coalesce(v.gender, p.gender), birth_date = coalesce(v.birth_date, p.birth_date),
      id_enc = coalesce(v.id_enc, p.id_enc), id_hash = coalesce(v.id_hash, p.id_hash), id_masked = coalesce(v.id_masked, p.id_masked),
      phone_enc = coalesce(v.phone_enc, p.phone_enc), phone_hash = coalesce(v.phone_hash, p.phone_hash), phone_masked = coalesce(v.phone_masked, p.phone_masked),
      relation = coalesce(v.relation, p.relation), political_status = coalesce(v.political_status, p.political_status),
      health = coalesce(v.health, p.health), children_in_city = coalesce(v.children_in_city, p.children_in_city),
      workplace = coalesce(v.workplace, p.workplace), notes = coalesce(v.notes, p.notes), updated_at = now()
    from json_to_recordset(${JSON.stringify(rows)}::json) as ${PERSON_RECORD}
    where p.id = v.id`.execute(db)
}

// ---- tags on rows ---------------------------------------------------------------------------
export async function personTagPairs(db: Executor, personIds: string[]) {
  if (personIds.length === 0) return []
  const res = await sql<{ owner: string; tag_id: number }>`select person_id as owner, tag_id from person_tags where person_id = any(${personIds}::uuid[])`.execute(db)
  return res.rows
}

export async function householdTagPairs(db: Executor, householdIds: string[]) {
  if (householdIds.length === 0) return []
  const res = await sql<{ owner: string; tag_id: number }>`select household_id as owner, tag_id from household_tags where household_id = any(${householdIds}::uuid[])`.execute(db)
  return res.rows
}

export async function addPersonTags(db: Executor, pairs: { owner: string; tagId: number }[]) {
  if (pairs.length === 0) return
  await sql`
    insert into person_tags (person_id, tag_id) select * from unnest(${pairs.map((p) => p.owner)}::uuid[], ${pairs.map((p) => p.tagId)}::int[])
    on conflict do nothing`.execute(db)
}

export async function addHouseholdTags(db: Executor, pairs: { owner: string; tagId: number }[]) {
  if (pairs.length === 0) return
  await sql`
    insert into household_tags (household_id, tag_id) select * from unnest(${pairs.map((p) => p.owner)}::uuid[], ${pairs.map((p) => p.tagId)}::int[])
    on conflict do nothing`.execute(db)
}

// ---- history --------------------------------------------------------------------------------
export async function insertHistoryRows(
  db: Executor,
  rows: { entityType: 'household' | 'person'; entityId: string; changes: { field: string; from: unknown; to: unknown }[] }[],
  actorId: string | null,
) {
  if (rows.length === 0) return
  await sql`
    insert into archive_history (entity_type, entity_id, action, actor_id, changes)
    select v.t, v.id, 'import', ${actorId}::uuid, v.c
    from json_to_recordset(${JSON.stringify(rows.map((r) => ({ t: r.entityType, id: r.entityId, c: r.changes })))}::json) as v(t text, id uuid, c jsonb)`.execute(db)
}

/**
 * An import chunk's commit need not wait for its WAL flush: the job's progress commits in the same
 * transaction, so a chunk lost to a crash is also missing from the progress and is simply redone on resume.
 */
export async function relaxCommit(trx: Transaction<DB>) {
  await sql`set local synchronous_commit = off`.execute(trx)
}

// ---- jobs -----------------------------------------------------------------------------------
export type ImportJobRow = Selectable<ImportJobsTable> & { region_path: string }

const jobBase = (db: Executor) => db.selectFrom('import_jobs as j').innerJoin('regions as r', 'r.id', 'j.region_id').selectAll('j').select('r.path as region_path')

export async function insertJob(
  db: Executor,
  row: { kind: string; filename: string; fileId: string; options: Record<string, unknown>; totalRows: number; regionId: number; createdBy: string | null },
) {
  return db
    .insertInto('import_jobs')
    .values({
      kind: row.kind,
      status: 'queued',
      filename: row.filename,
      file_id: row.fileId,
      options: JSON.stringify(row.options),
      total_rows: row.totalRows,
      result: JSON.stringify({}),
      region_id: row.regionId,
      created_by: row.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

export async function findJob(db: Executor, id: string): Promise<ImportJobRow | undefined> {
  return jobBase(db).where('j.id', '=', id).executeTakeFirst()
}

export async function listJobs(db: Executor, f: { scopePath: string; createdBy?: string; kinds?: string[]; limit: number }) {
  let q = jobBase(db).where('r.path', 'like', f.scopePath + '%')
  if (f.createdBy) q = q.where('j.created_by', '=', f.createdBy)
  if (f.kinds) q = f.kinds.length ? q.where('j.kind', 'in', f.kinds) : q.where(sql<boolean>`false`)
  return q.orderBy('j.created_at', 'desc').orderBy('j.id').limit(f.limit).execute()
}

/** Jobs a server left unfinished (stopped or crashed while they were queued or running), oldest first. */
export async function unfinishedJobIds(db: Executor) {
  const rows = await db.selectFrom('import_jobs').select('id').where('status', 'in', ['queued', 'running']).orderBy('created_at').execute()
  return rows.map((r) => r.id)
}

export async function startJob(db: Executor, id: string) {
  await db
    .updateTable('import_jobs')
    .set({ status: 'running', started_at: sql<Date>`coalesce(started_at, now())`, error: null })
    .where('id', '=', id)
    .execute()
}

export async function saveProgress(db: Executor, id: string, p: { totalRows?: number; processedRows: number; acceptedRows: number; rejectedRows: number; result: object }) {
  await db
    .updateTable('import_jobs')
    .set({
      ...(p.totalRows !== undefined ? { total_rows: p.totalRows } : {}),
      processed_rows: p.processedRows,
      accepted_rows: p.acceptedRows,
      rejected_rows: p.rejectedRows,
      result: JSON.stringify(p.result),
    })
    .where('id', '=', id)
    .execute()
}

export async function finishJob(db: Executor, id: string, f: { status: 'done' | 'failed'; error?: string | null; reportFileId?: string | null; result?: object }) {
  await db
    .updateTable('import_jobs')
    .set({
      status: f.status,
      error: f.error ?? null,
      finished_at: sql<Date>`now()`,
      ...(f.reportFileId !== undefined ? { report_file_id: f.reportFileId } : {}),
      ...(f.result !== undefined ? { result: JSON.stringify(f.result) } : {}),
    })
    .where('id', '=', id)
    .execute()
}
