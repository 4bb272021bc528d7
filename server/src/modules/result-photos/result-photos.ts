import { REPLY_PHOTOS_MAX } from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import { badRequest } from '../../platform/errors.ts'
import type { Storage } from '../../platform/storage.ts'
import * as repo from './result-photos.repository.ts'

/**
 * Result photos (处理后照片) on an answer: the handler uploads them first (POST /api/cases/:id/files, a timeline row
 * `attach` each), then names them in the reply's (or resolve_on_spot's) `photoIds`; they move to the answer's row.
 * Runs in the answer's transaction: a bad photo refuses the whole answer (400), nothing half-done.
 * Each photo must be of this case (else 400 UNKNOWN_PHOTO, the same for another case's photo as for none),
 * uploaded by the one answering (400 NOT_OWN_PHOTO: the reporter's pictures are not the result) and not yet part
 * of an answer or a report (400 PHOTO_NOT_ATTACHABLE).
 */
export async function linkResultPhotos(trx: Kysely<DB> | Transaction<DB>, a: { caseId: string; eventId: string; userId: string; photoIds?: readonly string[] }) {
  const ids = [...new Set(a.photoIds ?? [])]
  if (!ids.length) return
  if (ids.length > REPLY_PHOTOS_MAX) throw badRequest('TOO_MANY_PHOTOS', `答复最多附 ${REPLY_PHOTOS_MAX} 张照片`, { max: REPLY_PHOTOS_MAX })
  const found = await repo.casePhotosByIds(trx, a.caseId, ids)
  const missing = ids.filter((id) => !found.some((f) => f.id === id))
  if (missing.length) throw badRequest('UNKNOWN_PHOTO', '照片不存在或不属于该事项,请先上传到该事项', { photoIds: missing })
  const others = found.filter((f) => f.created_by !== a.userId).map((f) => f.id)
  if (others.length) throw badRequest('NOT_OWN_PHOTO', '只能附上本人上传的处理后照片', { photoIds: others })
  const taken = found.filter((f) => f.action !== 'attach').map((f) => f.id)
  if (taken.length) throw badRequest('PHOTO_NOT_ATTACHABLE', '这些照片已属于反映内容或其他答复', { photoIds: taken })
  await repo.linkToEvent(trx, a.caseId, ids, a.eventId)
}

/** A result photo's address for the resident: under the tracking code, never the staff URL. */
const publicPhotoUrl = (trackingCode: string, photoId: string) => `/api/public/reports/${encodeURIComponent(trackingCode)}/photos/${photoId}`

/** The photos of an answer as the tracking page lists them (public URLs under the tracking code). */
export async function answerPhotos(db: Kysely<DB>, a: { caseId: string; eventId: string; trackingCode: string }) {
  const rows = await repo.photosOfEvent(db, a.caseId, a.eventId)
  return rows.map((r) => ({ id: r.id, url: publicPhotoUrl(a.trackingCode, r.id) }))
}

/**
 * One result photo for the resident, by tracking code and photo id: only a photo that came with an answer of that
 * very case — not the report's own photos nor any other; undefined when the code, the photo or the link is unknown.
 */
export async function answerPhotoFile(db: Kysely<DB>, storage: Storage, trackingCode: string, photoId: string) {
  const f = await repo.answerPhotoByTracking(db, trackingCode, photoId)
  if (!f) return undefined
  return { contentType: f.content_type, size: f.size, stream: await storage.get(f.storage_key) }
}
