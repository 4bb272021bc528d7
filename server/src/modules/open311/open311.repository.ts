import { type SqlBool, sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

/**
 * What Open311 shows: the cases that came in through Open311 itself. GeoReport data is public (GET needs no
 * key), and cases from cadres' diaries, hotline calls or residents' 民情码 reports were never meant to be
 * published, so they stay out.
 */
const PUBLISHED_CHANNELS = ['open311'] as const

// ---- services -----------------------------------------------------------------------------------
export async function activeCategories(db: Executor) {
  return db
    .selectFrom('categories as c')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .select(['c.id', 'c.code', 'c.name', 'c.keywords', 'c.normal_days', 'p.name as parent_name', 'p.active as parent_active'])
    .where('c.active', '=', true)
    .orderBy('c.sort')
    .orderBy('c.id')
    .execute()
}

export async function activeCategoryByCode(db: Executor, code: string) {
  return db
    .selectFrom('categories as c')
    .leftJoin('categories as p', 'p.id', 'c.parent_id')
    .select(['c.id', 'c.code', 'c.name', 'c.keywords', 'c.normal_days', 'p.name as parent_name'])
    .where('c.code', '=', code)
    .where('c.active', '=', true)
    .executeTakeFirst()
}

export async function categoryCodes(db: Executor, codes: string[]) {
  const rows = await db.selectFrom('categories').select('code').where('code', 'in', codes).execute()
  return new Set(rows.map((r) => r.code))
}

// ---- places and regions (locations) -----------------------------------------------------------
export async function regionByCode(db: Executor, code: string) {
  return db.selectFrom('regions').select(['id', 'code', 'name', 'level', 'path']).where('code', '=', code).executeTakeFirst()
}

export async function regionById(db: Executor, id: number) {
  return db.selectFrom('regions').select(['id', 'code', 'name', 'level', 'path']).where('id', '=', id).executeTakeFirst()
}

/** A place by its id or its 民情码. */
export async function placeByRef(db: Executor, ref: string) {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)
  return db
    .selectFrom('places as p')
    .innerJoin('regions as r', 'r.id', 'p.region_id')
    .select(['p.id', 'p.name', 'p.address', 'p.lat', 'p.lng', 'p.qr_code', 'r.id as region_id', 'r.path as region_path', 'r.level as region_level'])
    .where((eb) => (isUuid ? eb.or([eb('p.id', '=', ref), eb('p.qr_code', '=', ref)]) : eb('p.qr_code', '=', ref)))
    .executeTakeFirst()
}

// ---- requests ------------------------------------------------------------------------------------
const published = (db: Executor) =>
  db
    .selectFrom('cases as c')
    .innerJoin('regions as r', 'r.id', 'c.region_id')
    .leftJoin('categories as cat', 'cat.id', 'c.category_id')
    .leftJoin('units as u', 'u.id', 'c.unit_id')
    .leftJoin('places as pl', 'pl.id', 'c.place_id')
    .select([
      'c.id',
      'c.number',
      'c.state',
      'c.description',
      'c.address',
      'c.lat',
      'c.lng',
      'c.created_at',
      'c.updated_at',
      'c.closed_at',
      'c.due_at',
      'c.merged_into',
      'c.tracking_code',
      'r.path as region_path',
      'cat.code as category_code',
      'cat.name as category_name',
      'u.name as unit_name',
      'pl.id as place_id',
      'pl.qr_code as place_qr_code',
    ])
    .where('c.channel', 'in', PUBLISHED_CHANNELS)

export type PublishedCase = Awaited<ReturnType<typeof publishedByNumbers>>[number]

export async function publishedByNumbers(db: Executor, numbers: string[]) {
  if (numbers.length === 0) return []
  return published(db).where('c.number', 'in', numbers).orderBy('c.created_at', 'desc').orderBy('c.id').execute()
}

export async function publishedByTracking(db: Executor, trackingCode: string) {
  return published(db).where('c.tracking_code', '=', trackingCode).executeTakeFirst()
}

export interface RequestFilter {
  from: Date
  to: Date
  categoryCodes?: string[]
  /** Our states (the open/closed filter, already translated). */
  states?: string[]
  regionPath?: string
  limit: number
}

/** Newest first, at most `limit`, requested in [from, to]. */
export async function publishedCases(db: Executor, f: RequestFilter) {
  let q = published(db).where('c.created_at', '>=', f.from).where('c.created_at', '<=', f.to)
  if (f.categoryCodes) q = q.where('cat.code', 'in', f.categoryCodes)
  if (f.states) q = q.where('c.state', 'in', f.states)
  if (f.regionPath) q = q.where('r.path', 'like', f.regionPath + '%')
  return q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(f.limit).execute()
}

/** The answer a resident reads: the latest reply (or on-the-spot result, or the reply given to the case it was merged into), else a refusal's reason. */
export async function lastAnswers(db: Executor, caseIds: string[]) {
  if (caseIds.length === 0) return new Map<string, string>()
  const rows = await db
    .selectFrom('case_events')
    .select(['case_id', 'note'])
    .distinctOn('case_id')
    .where('case_id', 'in', caseIds)
    .where('action', 'in', ['reply', 'resolve_on_spot', 'answered_via_merge', 'reject'])
    .where('note', 'is not', null)
    .orderBy('case_id')
    .orderBy('id', 'desc')
    .execute()
  return new Map(rows.map((r) => [r.case_id, r.note!]))
}

export async function numbersOf(db: Executor, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>()
  const rows = await db.selectFrom('cases').select(['id', 'number']).where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, r.number]))
}

/** The first image of each case (what `media_url` points at). */
export async function firstPhotos(db: Executor, caseIds: string[]) {
  if (caseIds.length === 0) return new Map<string, string>()
  const rows = await db
    .selectFrom('case_files as cf')
    .innerJoin('files as f', 'f.id', 'cf.file_id')
    .select(['cf.case_id', 'cf.id'])
    .distinctOn('cf.case_id')
    .where('cf.case_id', 'in', caseIds)
    .where('f.content_type', 'like', 'image/%')
    .orderBy('cf.case_id')
    .orderBy('cf.created_at')
    .orderBy('cf.id')
    .execute()
  return new Map(rows.map((r) => [r.case_id, r.id]))
}

/** An image of a published case, for the public media URL. */
export async function publishedPhoto(db: Executor, number: string, caseFileId: string) {
  return db
    .selectFrom('case_files as cf')
    .innerJoin('files as f', 'f.id', 'cf.file_id')
    .innerJoin('cases as c', 'c.id', 'cf.case_id')
    .select(['f.storage_key', 'f.content_type', 'f.size'])
    .where('cf.id', '=', caseFileId)
    .where('c.number', '=', number)
    .where('c.channel', 'in', PUBLISHED_CHANNELS)
    .where('f.content_type', 'like', 'image/%')
    .executeTakeFirst()
}

// ---- updates (mySociety servicerequestupdates) ------------------------------------------------------
/** Events of published cases in [from, to], oldest first (a client syncing forward pages by moving start_date). */
export async function publishedEvents(db: Executor, f: { from: Date; to: Date; actions: readonly string[]; limit: number }) {
  return db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .select(['e.id', 'e.action', 'e.at', 'e.to_state', 'e.note', 'e.data', 'c.number'])
    .where('c.channel', 'in', PUBLISHED_CHANNELS)
    .where('e.action', 'in', f.actions)
    .where('e.at', '>=', f.from)
    .where('e.at', '<=', f.to)
    .orderBy('e.at')
    .orderBy('e.id')
    .limit(f.limit)
    .execute()
}

/** Photos that came with these events. */
export async function eventPhotos(db: Executor, eventIds: string[]) {
  if (eventIds.length === 0) return new Map<string, string>()
  const rows = await db
    .selectFrom('case_files as cf')
    .innerJoin('files as f', 'f.id', 'cf.file_id')
    .select(['cf.event_id', 'cf.id'])
    .distinctOn('cf.event_id')
    .where('cf.event_id', 'in', eventIds)
    .where('f.content_type', 'like', 'image/%')
    .orderBy('cf.event_id')
    .orderBy('cf.created_at')
    .execute()
  return new Map(rows.map((r) => [String(r.event_id), r.id]))
}

/** A published case by its number, for a client's update. */
export async function publishedCaseForUpdate(db: Executor, number: string) {
  return db
    .selectFrom('cases as c')
    .innerJoin('regions as r', 'r.id', 'c.region_id')
    .select(['c.id', 'c.state', 'r.path as region_path'])
    .where('c.number', '=', number)
    .where('c.channel', 'in', PUBLISHED_CHANNELS)
    .executeTakeFirst()
}

export async function lockCase(db: Executor, id: string) {
  await sql`select 1 from cases where id = ${id} for update`.execute(db)
}

/** The comment a client already posted under its own update_id on this case (its resend). */
export async function clientComment(db: Executor, caseId: string, apiClientId: string, updateId: string) {
  return db
    .selectFrom('case_events')
    .select('id')
    .where('case_id', '=', caseId)
    .where('action', '=', 'comment')
    .where(sql<SqlBool>`data->>'apiClientId' = ${apiClientId}`)
    .where(sql<SqlBool>`data->>'updateId' = ${updateId}`)
    .executeTakeFirst()
}

/** The latest media link of each case. */
export async function lastMediaLinks(db: Executor, caseIds: string[]) {
  if (caseIds.length === 0) return new Map<string, string>()
  const rows = await db
    .selectFrom('case_events')
    .select(['case_id', 'note'])
    .distinctOn('case_id')
    .where('case_id', 'in', caseIds)
    .where('action', '=', 'media_link')
    .orderBy('case_id')
    .orderBy('id', 'desc')
    .execute()
  return new Map(rows.flatMap((r) => (r.note ? [[r.case_id, r.note] as const] : [])))
}
