import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'

/** The encrypted reporter phones of some cases (id → ciphertext), for an export by a viewer with archive.reveal. */
export async function reporterPhonesEnc(db: Kysely<DB>, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  // In slices: a county export may hold tens of thousands of ids, more than one statement should bind.
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom('cases')
      .select(['id', 'reporter_phone_enc'])
      .where('id', 'in', ids.slice(i, i + 5000))
      .where('reporter_phone_enc', 'is not', null)
      .execute()
    for (const r of rows) out.set(r.id, r.reporter_phone_enc!)
  }
  return out
}
