import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'

type Executor = Kysely<DB> | Transaction<DB>

/** What a text to a case's reporter needs: the phone they left on the case, the number and the tracking code. */
export async function caseForSms(db: Executor, caseId: string) {
  return db.selectFrom('cases').select(['id', 'number', 'state', 'tracking_code', 'reporter_kind', 'reporter_phone_enc']).where('id', '=', caseId).executeTakeFirst()
}
