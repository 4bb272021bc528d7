import { type Insertable, type SqlBool, sql } from 'kysely'
import type { DiaryEntriesTable, Executor } from '../../db/types.ts'
import { type Scope, whereInScope } from '../../platform/policy.ts'
import { escapeLike } from '../../db/like.ts'

const entryBase = (db: Executor) =>
  db
    .selectFrom('diary_entries as e')
    .innerJoin('regions as r', 'r.id', 'e.region_id')
    .innerJoin('users as a', 'a.id', 'e.author_id')
    .leftJoin('households as h', 'h.id', 'e.household_id')
    .leftJoin('persons as p', 'p.id', 'e.person_id')
    .leftJoin('enterprises as ent', 'ent.id', 'e.enterprise_id')
    .leftJoin('users as rv', 'rv.id', 'e.reviewed_by')
    .selectAll('e')
    .select([
      'r.code as region_code',
      'r.name as region_name',
      'r.path as region_path',
      'a.name as author_name',
      'h.address as household_address',
      'p.name as person_name',
      'ent.name as enterprise_name',
      'rv.name as reviewer_name',
    ])

export type EntryRow = NonNullable<Awaited<ReturnType<typeof findEntry>>>

export async function findEntry(db: Executor, id: string) {
  return entryBase(db).where('e.id', '=', id).executeTakeFirst()
}

export async function findByClientId(db: Executor, authorId: string, clientId: string) {
  return db.selectFrom('diary_entries').select(['id', 'content_hash']).where('author_id', '=', authorId).where('client_id', '=', clientId).executeTakeFirst()
}

export interface EntryFilter {
  regionPath?: string
  kind?: string
  authorId?: string
  householdId?: string
  enterpriseId?: string
  review?: string
  q?: string
  from?: string
  to?: string
  before?: { createdAt: Date; id: string }
  limit: number
}

export async function listEntries(db: Executor, scope: Scope, f: EntryFilter) {
  let q = entryBase(db).where((eb) => whereInScope(eb, scope, 'r.path'))
  if (f.regionPath) q = q.where('r.path', 'like', f.regionPath + '%')
  if (f.kind) q = q.where('e.kind', '=', f.kind as DiaryEntriesTable['kind'])
  if (f.authorId) q = q.where('e.author_id', '=', f.authorId)
  if (f.householdId) q = q.where('e.household_id', '=', f.householdId)
  if (f.enterpriseId) q = q.where('e.enterprise_id', '=', f.enterpriseId)
  if (f.review) q = q.where('e.review', '=', f.review as 'none')
  if (f.q) q = q.where('e.text', 'like', `%${escapeLike(f.q)}%`)
  if (f.from) q = q.where('e.occurred_at', '>=', new Date(f.from))
  if (f.to) q = q.where('e.occurred_at', '<', new Date(f.to))
  if (f.before) q = q.where(sql<SqlBool>`(e.created_at, e.id) < (${f.before.createdAt}, ${f.before.id})`)
  return q.orderBy('e.created_at', 'desc').orderBy('e.id', 'desc').limit(f.limit).execute()
}

export async function insertEntry(db: Executor, row: Insertable<DiaryEntriesTable>) {
  return db.insertInto('diary_entries').values(row).returning('id').executeTakeFirstOrThrow()
}

export async function insertConcerns(db: Executor, entryId: string, texts: string[]) {
  if (texts.length === 0) return
  await db
    .insertInto('diary_concerns')
    .values(texts.map((text, position) => ({ entry_id: entryId, position, text })))
    .execute()
}

export async function concernsOf(db: Executor, entryIds: string[]) {
  if (entryIds.length === 0) return []
  return db.selectFrom('diary_concerns').selectAll().where('entry_id', 'in', entryIds).orderBy('position').execute()
}

export async function photosOf(db: Executor, entryIds: string[]) {
  if (entryIds.length === 0) return []
  return db
    .selectFrom('diary_photos as ph')
    .innerJoin('files as f', 'f.id', 'ph.file_id')
    .select(['ph.id', 'ph.entry_id', 'ph.client_id', 'f.size', 'f.content_type', 'f.storage_key', 'ph.created_at'])
    .where('ph.entry_id', 'in', entryIds)
    .orderBy('ph.created_at')
    .execute()
}

export async function findPhoto(db: Executor, id: string) {
  return db
    .selectFrom('diary_photos as ph')
    .innerJoin('files as f', 'f.id', 'ph.file_id')
    .innerJoin('diary_entries as e', 'e.id', 'ph.entry_id')
    .innerJoin('regions as r', 'r.id', 'e.region_id')
    .select(['ph.id', 'f.size', 'f.content_type', 'f.storage_key', 'r.path as region_path', 'e.author_id'])
    .where('ph.id', '=', id)
    .executeTakeFirst()
}

export async function findPhotoByClientId(db: Executor, entryId: string, clientId: string) {
  return db.selectFrom('diary_photos').select('id').where('entry_id', '=', entryId).where('client_id', '=', clientId).executeTakeFirst()
}

export async function countPhotos(db: Executor, entryId: string) {
  const r = await db
    .selectFrom('diary_photos')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('entry_id', '=', entryId)
    .executeTakeFirstOrThrow()
  return r.n
}

export async function insertPhoto(db: Executor, row: { entryId: string; fileId: string; clientId: string }) {
  return db.insertInto('diary_photos').values({ entry_id: row.entryId, file_id: row.fileId, client_id: row.clientId }).returning('id').executeTakeFirstOrThrow()
}

export async function commentsOf(db: Executor, entryIds: string[]) {
  if (entryIds.length === 0) return []
  return db
    .selectFrom('diary_comments as c')
    .innerJoin('users as u', 'u.id', 'c.author_id')
    .select(['c.id', 'c.entry_id', 'c.author_id', 'u.name as author_name', 'c.text', 'c.created_at'])
    .where('c.entry_id', 'in', entryIds)
    .orderBy('c.created_at')
    .execute()
}

export async function insertComment(db: Executor, row: { entryId: string; authorId: string; text: string }) {
  return db.insertInto('diary_comments').values({ entry_id: row.entryId, author_id: row.authorId, text: row.text }).returning('id').executeTakeFirstOrThrow()
}

export async function setReview(db: Executor, id: string, review: 'none' | 'reviewed' | 'good_example', reviewerId: string | null) {
  await db
    .updateTable('diary_entries')
    .set({ review, reviewed_by: reviewerId, reviewed_at: review === 'none' ? null : sql<Date>`now()` })
    .where('id', '=', id)
    .execute()
}

// ---- visits and compliance ----------------------------------------------------------
export async function visitRules(db: Executor) {
  return db.selectFrom('visit_rules').selectAll().orderBy('id').execute()
}

export async function updateVisitRule(db: Executor, id: number, patch: { target?: number; active?: boolean; description?: string }) {
  return db.updateTable('visit_rules').set(patch).where('id', '=', id).returningAll().executeTakeFirst()
}

/** Users in the subtree holding one of the roles rules are written for. */
export async function cadresIn(db: Executor, path: string, roles: string[]) {
  if (roles.length === 0) return []
  return db
    .selectFrom('users as u')
    .innerJoin('regions as r', 'r.id', 'u.region_id')
    .select(['u.id', 'u.name', 'u.roles', 'u.station', 'r.id as region_id', 'r.code as region_code', 'r.name as region_name', 'r.path as region_path', 'r.level as region_level'])
    .where('r.path', 'like', path + '%')
    .where('u.active', '=', true)
    .where(sql<SqlBool>`u.roles && ${sql.val(roles)}::text[]`)
    .orderBy('r.code')
    .orderBy('u.name')
    .execute()
}

/** Per author: visits (entries with a household or enterprise) and distinct households visited in [from, to). */
export async function visitCounts(db: Executor, authorIds: string[], from: Date, to: Date) {
  if (authorIds.length === 0) return []
  return db
    .selectFrom('diary_entries')
    .select([
      'author_id',
      sql<number>`count(*) filter (where household_id is not null or enterprise_id is not null)::int`.as('visits'),
      sql<number>`count(distinct household_id)::int`.as('households'),
    ])
    .where('author_id', 'in', authorIds)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', to)
    .groupBy('author_id')
    .execute()
}

/** Households of a village subtree, and how many of them anyone visited in [from, to) and in the year. */
export async function villageCoverage(db: Executor, villagePaths: string[], periodFrom: Date, periodTo: Date, yearFrom: Date, yearTo: Date) {
  if (villagePaths.length === 0) return []
  const res = await sql<{ path: string; households: number; visited_period: number; visited_year: number }>`
    select v.path,
      (select count(*)::int from households h join regions hr on hr.id = h.region_id where hr.path like v.path || '%') as households,
      (select count(distinct e.household_id)::int from diary_entries e join households h on h.id = e.household_id join regions hr on hr.id = h.region_id
         where hr.path like v.path || '%' and e.occurred_at >= ${periodFrom} and e.occurred_at < ${periodTo}) as visited_period,
      (select count(distinct e.household_id)::int from diary_entries e join households h on h.id = e.household_id join regions hr on hr.id = h.region_id
         where hr.path like v.path || '%' and e.occurred_at >= ${yearFrom} and e.occurred_at < ${yearTo}) as visited_year
    from (select unnest(${sql.val(villagePaths)}::text[]) as path) v`.execute(db)
  return res.rows
}

/** Distinct households of a village subtree that one author visited in [from, to). */
export async function authorHouseholdsIn(db: Executor, authorId: string, villagePath: string, from: Date, to: Date) {
  const r = await sql<{ n: number }>`
    select count(distinct e.household_id)::int as n from diary_entries e
    join households h on h.id = e.household_id join regions hr on hr.id = h.region_id
    where e.author_id = ${authorId} and hr.path like ${villagePath + '%'} and e.occurred_at >= ${from} and e.occurred_at < ${to}`.execute(db)
  return r.rows[0].n
}

export async function householdCountIn(db: Executor, path: string) {
  const r = await sql<{ n: number }>`select count(*)::int as n from households h join regions hr on hr.id = h.region_id where hr.path like ${path + '%'}`.execute(db)
  return r.rows[0].n
}

export async function villagesIn(db: Executor, path: string) {
  return db
    .selectFrom('regions')
    .select(['id', 'code', 'name', 'path'])
    .where('path', 'like', path + '%')
    .where('level', '=', 'village')
    .orderBy('code')
    .execute()
}

export async function insertVisitDay(db: Executor, row: { regionId: number; date: string; title: string; createdBy: string }) {
  return db.insertInto('visit_days').values({ region_id: row.regionId, date: row.date, title: row.title, created_by: row.createdBy }).returning('id').executeTakeFirstOrThrow()
}

export async function visitDays(db: Executor, scope: Scope, fromDate: string) {
  return (
    db
      .selectFrom('visit_days as d')
      .innerJoin('regions as r', 'r.id', 'd.region_id')
      .select(['d.id', 'd.date', 'd.title', 'd.created_at', 'r.code as region_code', 'r.name as region_name', 'r.path as region_path'])
      // A town's 民情日 concerns everyone in the town, and those above it.
      .where((eb) => eb.or([whereInScope(eb, scope, 'r.path'), sql<SqlBool>`${scope.regionPath} like r.path || '%'`]))
      .where('d.date', '>=', fromDate)
      .orderBy('d.date')
      .execute()
  )
}

export async function visitDayTaken(db: Executor, regionId: number, date: string) {
  return !!(await db.selectFrom('visit_days').select('id').where('region_id', '=', regionId).where('date', '=', date).executeTakeFirst())
}
