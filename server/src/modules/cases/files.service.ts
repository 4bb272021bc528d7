import { CASE_MAX_FILES, CASE_PHOTO_MAX_BYTES, isTerminalState } from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import { conflict, forbidden, notFound } from '../../platform/errors.ts'
import { insertFile } from '../../platform/files.repository.ts'
import { type Actor, hasPermission } from '../../platform/policy.ts'
import type { Storage } from '../../platform/storage.ts'
import { assertPhoto, EXTENSION_OF, type Upload } from '../../platform/uploads.ts'
import { isDispatcher, isHandler } from './access.ts'
import type { CaseActions } from './actions.service.ts'
import * as repo from './cases.repository.ts'

type Executor = Kysely<DB> | Transaction<DB>
export type Stored = Awaited<ReturnType<Storage['put']>>

/** Photos on a case: added by whoever works on it (or its reporter), each with its timeline row `attach`. */
export class CaseFiles {
  constructor(
    private db: Kysely<DB>,
    private actions: CaseActions,
    private storage?: Storage,
  ) {}

  requireStorage() {
    if (!this.storage) throw new Error('the case engine was built without storage: photos cannot be kept')
    return this.storage
  }

  /** Add a photo; the caller answers with the case as it is now. */
  async add(actor: Actor, caseId: string, upload: Upload) {
    const c = await this.actions.visibleCase(actor, caseId)
    if (!(isHandler(actor, c) || isDispatcher(actor, c) || c.created_by === actor.userId || c.reporter_user_id === actor.userId || hasPermission(actor, 'cases.supervise')))
      throw forbidden('只有经办、交办、督办人员或反映人可以上传照片')
    if (isTerminalState(c.state)) throw conflict('CASE_CLOSED', '事项已办结,不能再上传照片', { state: c.state })
    const type = assertPhoto(upload.data, CASE_PHOTO_MAX_BYTES)
    if ((await repo.countCaseFiles(this.db, caseId)) >= CASE_MAX_FILES) throw conflict('TOO_MANY_PHOTOS', `每个事项最多 ${CASE_MAX_FILES} 张照片`)
    const stored = await this.requireStorage().put(upload.data, { prefix: 'cases', extension: EXTENSION_OF[type] })
    try {
      await this.db.transaction().execute(async (trx) => {
        await repo.lockCase(trx, caseId)
        const current = (await repo.findCase(trx, caseId))!
        const { eventId } = await this.actions.systemIn(trx, current, { action: 'attach', input: { filename: upload.filename.slice(0, 200) }, actorId: actor.userId }, new Date())
        await this.attachStored(trx, caseId, eventId!, [stored], [upload], [type], actor.userId)
      })
    } catch (err) {
      await this.requireStorage()
        .remove(stored.key)
        .catch(() => {})
      throw err
    }
  }

  async file(actor: Actor, caseId: string, fileId: string) {
    await this.actions.visibleCase(actor, caseId)
    const f = (await repo.caseFiles(this.db, caseId)).find((x) => x.id === fileId)
    if (!f) throw notFound('照片')
    return { file: f, stream: await this.requireStorage().get(f.storage_key) }
  }

  /** Stored blobs become files of the case, each linked to the timeline row it came with. */
  async attachStored(trx: Executor, caseId: string, eventId: string, stored: Stored[], photos: { filename: string }[], types: string[], createdBy: string | null | undefined) {
    for (const [i, blob] of stored.entries()) {
      const file = await insertFile(trx, blob, { filename: photos[i].filename.slice(0, 200) || 'photo', contentType: types[i], createdBy: createdBy ?? null })
      await repo.insertCaseFile(trx, { caseId, fileId: file.id, eventId })
    }
  }
}
