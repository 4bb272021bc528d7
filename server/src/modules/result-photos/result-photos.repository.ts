import { type Kysely, type Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'

type Executor = Kysely<DB> | Transaction<DB>

/** The answers a resident reads: their photos are the result photos (处理后照片). */
const ANSWER_ACTIONS = ['reply', 'resolve_on_spot'] as const

/** Photos of a case by their ids, with who uploaded each and the timeline row it came with. */
export async function casePhotosByIds(db: Executor, caseId: string, ids: readonly string[]) {
  if (!ids.length) return []
  return db
    .selectFrom('case_files as cf')
    .innerJoin('files as f', 'f.id', 'cf.file_id')
    .leftJoin('case_events as e', 'e.id', 'cf.event_id')
    .select(['cf.id', 'f.created_by', 'e.action'])
    .where('cf.case_id', '=', caseId)
    .where('cf.id', 'in', [...ids])
    .execute()
}

/** The photos move to the answer's timeline row: from then on they are the answer's, shown to the resident. */
export async function linkToEvent(db: Executor, caseId: string, ids: readonly string[], eventId: string) {
  await db
    .updateTable('case_files')
    .set({ event_id: eventId })
    .where('case_id', '=', caseId)
    .where('id', 'in', [...ids])
    .execute()
}

/** The result photos of one answer (a reply or resolve_on_spot row). */
export async function photosOfEvent(db: Executor, caseId: string, eventId: string) {
  return db
    .selectFrom('case_files as cf')
    .innerJoin('files as f', 'f.id', 'cf.file_id')
    .select(['cf.id', 'f.filename'])
    .where('cf.case_id', '=', caseId)
    .where('cf.event_id', '=', eventId)
    .orderBy('cf.created_at')
    .orderBy('cf.id')
    .execute()
}

/** A result photo by the case's tracking code: only a photo that came with an answer of that very case. */
export async function answerPhotoByTracking(db: Executor, trackingCode: string, photoId: string) {
  return db
    .selectFrom('cases as c')
    .innerJoin('case_files as cf', 'cf.case_id', 'c.id')
    .innerJoin('case_events as e', 'e.id', 'cf.event_id')
    .innerJoin('files as f', 'f.id', 'cf.file_id')
    .select(['cf.id', 'f.storage_key', 'f.content_type', 'f.size'])
    .where('c.tracking_code', '=', trackingCode)
    .where('cf.id', '=', photoId)
    .where('e.action', 'in', [...ANSWER_ACTIONS])
    .executeTakeFirst()
}
