import type { Executor } from '../db/types.ts'
import type { Storage } from './storage.ts'

// Rows of `files`: each blob the storage holds (archive documents, diary photos, import uploads and reports).

/** The row of a blob just put in storage; `id` is what other tables reference. */
export async function insertFile(db: Executor, stored: Awaited<ReturnType<Storage['put']>>, meta: { filename: string; contentType: string; createdBy: string | null }) {
  return db
    .insertInto('files')
    .values({ storage_key: stored.key, filename: meta.filename, content_type: meta.contentType, size: stored.size, sha256: stored.sha256, created_by: meta.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow()
}

export async function fileById(db: Executor, id: string) {
  return db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst()
}
