import { type Expression, type SqlBool, sql } from 'kysely'
import type { Executor, HouseholdsTable, PersonsTable } from '../../db/types.ts'
import { pageWithTotal } from '../../db/paging.ts'
import type { Insertable, Updateable } from 'kysely'
import { regionIdUnder, type Scope } from '../../platform/policy.ts'
import { escapeLike } from '../../db/like.ts'

// ---- tags -----------------------------------------------------------------------
export async function listTags(db: Executor) {
  return db.selectFrom('tags').selectAll().orderBy('sort').orderBy('id').execute()
}

/** Tags by code or name; the caller checks that every reference was found. */
export async function findTags(db: Executor, refs: string[]) {
  if (refs.length === 0) return []
  return db
    .selectFrom('tags')
    .selectAll()
    .where((eb) => eb.or([eb('code', 'in', refs), eb('name', 'in', refs)]))
    .execute()
}

export async function insertTag(db: Executor, row: { code: string; name: string; applies_to: 'person' | 'household' | 'both'; color: string | null; sort: number }) {
  return db.insertInto('tags').values(row).returningAll().executeTakeFirstOrThrow()
}

export async function tagTaken(db: Executor, code: string, name: string) {
  return !!(await db
    .selectFrom('tags')
    .select('id')
    .where((eb) => eb.or([eb('code', '=', code), eb('name', '=', name)]))
    .executeTakeFirst())
}

const personTagCodes = sql<string[]>`array(select t.code from person_tags pt join tags t on t.id = pt.tag_id where pt.person_id = p.id order by t.sort, t.id)`
const householdTagCodes = sql<string[]>`array(select t.code from household_tags ht join tags t on t.id = ht.tag_id where ht.household_id = h.id order by t.sort, t.id)`

export async function setPersonTags(db: Executor, personId: string, tagIds: number[]) {
  await db.deleteFrom('person_tags').where('person_id', '=', personId).execute()
  if (tagIds.length)
    await db
      .insertInto('person_tags')
      .values(tagIds.map((tag_id) => ({ person_id: personId, tag_id })))
      .execute()
}

export async function setHouseholdTags(db: Executor, householdId: string, tagIds: number[]) {
  await db.deleteFrom('household_tags').where('household_id', '=', householdId).execute()
  if (tagIds.length)
    await db
      .insertInto('household_tags')
      .values(tagIds.map((tag_id) => ({ household_id: householdId, tag_id })))
      .execute()
}

// ---- households ------------------------------------------------------------------
const householdBase = (db: Executor) =>
  db
    .selectFrom('households as h')
    .innerJoin('regions as r', 'r.id', 'h.region_id')
    .leftJoin('persons as head', 'head.id', 'h.head_person_id')
    .select([
      'h.id',
      'h.region_id',
      'h.address',
      'h.head_person_id',
      'h.phone_enc',
      'h.phone_masked',
      'h.house',
      'h.notes',
      'h.lat',
      'h.lng',
      'h.created_at',
      'h.updated_at',
      'r.code as region_code',
      'r.name as region_name',
      'r.path as region_path',
      'head.name as head_name',
      sql<number>`(select count(*)::int from persons m where m.household_id = h.id)`.as('member_count'),
      householdTagCodes.as('tags'),
    ])

export async function findHousehold(db: Executor, id: string) {
  return householdBase(db).where('h.id', '=', id).executeTakeFirst()
}

export async function findHouseholdByAddress(db: Executor, regionId: number, address: string) {
  return db.selectFrom('households').select('id').where('region_id', '=', regionId).where('address', '=', address).executeTakeFirst()
}

export interface HouseholdFilter {
  regionPath?: string
  /** Rows carrying every one of these tags. */
  tagIds?: number[]
  q?: string
  near?: { lat: number; lng: number }
  limit: number
  offset: number
}

export async function listHouseholds(db: Executor, scope: Scope, f: HouseholdFilter) {
  let q = householdBase(db).where(regionIdUnder('h.region_id', scope.regionPath))
  if (f.regionPath) q = q.where(regionIdUnder('h.region_id', f.regionPath))
  for (const tagId of f.tagIds ?? []) q = q.where(sql<SqlBool>`exists (select 1 from household_tags ht where ht.household_id = h.id and ht.tag_id = ${tagId})`)
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`
    q = q.where((eb) => eb.or([eb('h.address', 'like', like), sql<SqlBool>`exists (select 1 from persons m where m.household_id = h.id and ${nameContains('m', f.q!)})`]))
  }
  const ordered = f.near
    ? // Equirectangular distance is plenty to sort doorsteps in one village; rows without a position go last.
      q.orderBy(sql`case when h.lat is null then 1 else 0 end`).orderBy(sql`(h.lat - ${f.near.lat}) ^ 2 + ((h.lng - ${f.near.lng}) * cos(radians(${f.near.lat}))) ^ 2`)
    : q.orderBy('r.code').orderBy('h.address')
  return pageWithTotal(db, q, ordered, f)
}

export async function insertHousehold(db: Executor, row: Insertable<HouseholdsTable>) {
  return db.insertInto('households').values(row).returning('id').executeTakeFirstOrThrow()
}

export async function updateHousehold(db: Executor, id: string, patch: Updateable<HouseholdsTable>) {
  await db
    .updateTable('households')
    .set({ ...patch, updated_at: sql`now()` as any })
    .where('id', '=', id)
    .execute()
}

// ---- persons ---------------------------------------------------------------------
const personBase = (db: Executor) =>
  db
    .selectFrom('persons as p')
    .innerJoin('regions as r', 'r.id', 'p.region_id')
    .select([
      'p.id',
      'p.household_id',
      'p.region_id',
      'p.name',
      'p.gender',
      'p.birth_date',
      'p.id_masked',
      'p.phone_masked',
      'p.relation',
      'p.political_status',
      'p.health',
      'p.children_in_city',
      'p.workplace',
      'p.notes',
      'p.updated_at',
      'r.code as region_code',
      'r.name as region_name',
      'r.path as region_path',
      sql<number | null>`extract(year from age(p.birth_date))::int`.as('age'),
      personTagCodes.as('tags'),
    ])

export type PersonView = NonNullable<Awaited<ReturnType<typeof findPerson>>>

export async function findPerson(db: Executor, id: string) {
  return personBase(db).where('p.id', '=', id).executeTakeFirst()
}

export async function personRaw(db: Executor, id: string) {
  return db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findPersonIdByIdHash(db: Executor, idHash: string) {
  return db.selectFrom('persons as p').innerJoin('regions as r', 'r.id', 'p.region_id').select(['p.id', 'r.path']).where('p.id_hash', '=', idHash).executeTakeFirst()
}

export async function householdMembers(db: Executor, householdId: string) {
  return personBase(db)
    .where('p.household_id', '=', householdId)
    .orderBy(sql`case p.relation when '户主' then 0 when '配偶' then 1 else 2 end`)
    .orderBy('p.birth_date')
    .execute()
}

export interface PersonFilter {
  regionPath?: string
  /** Rows carrying every one of these tags. */
  tagIds?: number[]
  q?: string
  idHash?: string
  householdId?: string
  childrenInCity?: boolean
  ageMin?: number
  ageMax?: number
  limit: number
  offset: number
}

/**
 * A person's name contains `text`: the GIN-indexed characters/pairs of the name narrow it down (see the
 * name_search migration), LIKE confirms.
 */
function nameContains(alias: string, text: string) {
  const chars = [...text]
  const grams = chars.length === 1 ? chars : chars.slice(1).map((c, i) => chars[i] + c)
  return sql<SqlBool>`(${sql.ref(`${alias}.name_grams`)} @> ${sql.val([...new Set(grams)])}::text[] and ${sql.ref(`${alias}.name`)} like ${`%${escapeLike(text)}%`})`
}

/**
 * How deep a region path is (1 city, 2 county, 3 town…). Lists of persons over a whole county filter on the
 * joined region's path: the id list of every region in the county made the planner AND a bitmap of all million
 * persons into each query (建国 county-wide 113 → 35 ms p50); for a town or village the id lists stay, a path
 * filter there was 2–5× slower.
 */
const depthOf = (path: string) => path.split('/').filter(Boolean).length

export async function listPersons(db: Executor, scope: Scope, f: PersonFilter) {
  // County-wide lists filter on the region's path; anything narrower filters on region-id lists. Measured at a
  // million persons (bench/archive-import.bench.ts, 石璜镇): a name search is served best by ONE list (the
  // regions under both the asked region and the caller's area: p95 56 → 21 ms, the planner then starts from
  // the name index), a tag or other filter by the two separate lists (one list: 独居老人 55 → 97 ms, the
  // planner then starts from the tag).
  const countyWide = !f.regionPath || depthOf(f.regionPath) <= 2
  let q = personBase(db)
  if (!countyWide && f.q) q = q.where(regionIdUnder('p.region_id', f.regionPath!, scope.regionPath))
  else {
    q = q.where(countyWide && depthOf(scope.regionPath) <= 2 ? sql<SqlBool>`r.path like ${scope.regionPath + '%'}` : regionIdUnder('p.region_id', scope.regionPath))
    if (f.regionPath) q = q.where(countyWide ? sql<SqlBool>`r.path like ${f.regionPath + '%'}` : regionIdUnder('p.region_id', f.regionPath))
  }
  for (const tagId of f.tagIds ?? []) q = q.where(sql<SqlBool>`exists (select 1 from person_tags pt where pt.person_id = p.id and pt.tag_id = ${tagId})`)
  if (f.q) q = q.where(nameContains('p', f.q))
  // A number waiting for a county admin (id_pending_hash) is found like any other: search must not tell them apart.
  if (f.idHash) q = q.where((eb) => eb.or([eb('p.id_hash', '=', f.idHash!), eb('p.id_pending_hash', '=', f.idHash!)]))
  if (f.householdId) q = q.where('p.household_id', '=', f.householdId)
  if (f.childrenInCity !== undefined) q = q.where('p.children_in_city', '=', f.childrenInCity)
  // Age bounds as birth-date bounds, so an index on birth_date could serve them.
  if (f.ageMin !== undefined) q = q.where(sql<SqlBool>`p.birth_date <= (current_date - make_interval(years => ${f.ageMin}))::date`)
  if (f.ageMax !== undefined) q = q.where(sql<SqlBool>`p.birth_date > (current_date - make_interval(years => ${f.ageMax + 1}))::date`)
  return pageWithTotal(db, q, q.orderBy('r.code').orderBy('p.name').orderBy('p.id'), f)
}

/**
 * Persons whose own phone, or whose household's contact phone, has one of these keyed hashes, inside the scope
 * (the hotline form's caller lookup). A household matched by its phone answers with its head, else its members.
 */
export async function personsByPhoneHash(db: Executor, scope: Scope, hashes: string[], limit: number) {
  if (hashes.length === 0) return []
  const res = await sql<{
    id: string
    name: string
    gender: string | null
    age: number | null
    relation: string | null
    household_id: string | null
    address: string | null
    region_code: string
    region_name: string
    phone_masked: string | null
    matched_by: 'person' | 'household'
  }>`
    with hits as (
      select p.id, 'person' as matched_by, p.phone_masked as masked from persons p
      where p.phone_hash = any(${hashes}::text[]) and ${regionIdUnder('p.region_id', scope.regionPath)}
      union all
      select p.id, 'household', h.phone_masked from households h
      join persons p on p.household_id = h.id and (h.head_person_id is null or p.id = h.head_person_id)
      where h.phone_hash = any(${hashes}::text[]) and ${regionIdUnder('h.region_id', scope.regionPath)}
    ), firsts as (
      select distinct on (id) id, matched_by, masked from hits order by id, matched_by desc
    )
    select p.id, p.name, p.gender, extract(year from age(p.birth_date))::int as age, p.relation, p.household_id,
      h.address, r.code as region_code, r.name as region_name, f.masked as phone_masked, f.matched_by
    from firsts f
    join persons p on p.id = f.id
    join regions r on r.id = p.region_id
    left join households h on h.id = p.household_id
    order by f.matched_by desc, p.name, p.id
    limit ${limit}`.execute(db)
  return res.rows
}

export async function insertPerson(db: Executor, row: Insertable<PersonsTable>) {
  return db.insertInto('persons').values(row).returning('id').executeTakeFirstOrThrow()
}

export async function updatePerson(db: Executor, id: string, patch: Updateable<PersonsTable>) {
  await db
    .updateTable('persons')
    .set({ ...patch, updated_at: sql`now()` as any })
    .where('id', '=', id)
    .execute()
}

// ---- history, documents, timeline ---------------------------------------------------
export interface Change {
  field: string
  from: unknown
  to: unknown
}

export async function insertHistory(db: Executor, row: { entityType: 'household' | 'person' | 'enterprise' | 'place'; entityId: string; action: string; actorId: string | null; changes: Change[] }) {
  await db
    .insertInto('archive_history')
    .values({ entity_type: row.entityType, entity_id: row.entityId, action: row.action, actor_id: row.actorId, changes: JSON.stringify(row.changes) })
    .execute()
}

export async function historyOf(db: Executor, entities: { type: string; ids: string[] }[]) {
  const conds = entities.filter((e) => e.ids.length)
  if (conds.length === 0) return []
  return db
    .selectFrom('archive_history as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select(['a.id', 'a.entity_type', 'a.entity_id', 'a.action', 'a.at', 'a.changes', 'u.name as actor_name'])
    .where((eb) => eb.or(conds.map((c) => eb.and([eb('a.entity_type', '=', c.type as any), eb('a.entity_id', 'in', c.ids)])) as Expression<SqlBool>[]))
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(500)
    .execute()
}

export async function insertDocument(db: Executor, row: { ownerType: 'household' | 'person'; ownerId: string; regionId: number; fileId: string; kind: string; title: string; createdBy: string }) {
  return db
    .insertInto('documents')
    .values({ owner_type: row.ownerType, owner_id: row.ownerId, region_id: row.regionId, file_id: row.fileId, kind: row.kind, title: row.title, created_by: row.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow()
}

const documentBase = (db: Executor) =>
  db
    .selectFrom('documents as d')
    .innerJoin('files as f', 'f.id', 'd.file_id')
    .innerJoin('regions as r', 'r.id', 'd.region_id')
    .leftJoin('users as u', 'u.id', 'd.created_by')
    .select([
      'd.id',
      'd.owner_type',
      'd.owner_id',
      'd.region_id',
      'd.kind',
      'd.title',
      'd.created_at',
      'f.filename',
      'f.content_type',
      'f.size',
      'f.storage_key',
      'r.path as region_path',
      'u.name as created_by_name',
    ])

export type DocumentView = NonNullable<Awaited<ReturnType<typeof findDocument>>>

export async function findDocument(db: Executor, id: string) {
  return documentBase(db).where('d.id', '=', id).executeTakeFirst()
}

export async function documentsOf(db: Executor, owners: { type: 'household' | 'person'; ids: string[] }[]) {
  const conds = owners.filter((o) => o.ids.length)
  if (conds.length === 0) return []
  return documentBase(db)
    .where((eb) => eb.or(conds.map((c) => eb.and([eb('d.owner_type', '=', c.type), eb('d.owner_id', 'in', c.ids)]))))
    .orderBy('d.created_at', 'desc')
    .execute()
}
