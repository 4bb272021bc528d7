import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { findHousehold, findPerson } from './archive.repository.ts'
import { findEnterprise } from './enterprises.repository.ts'

/**
 * The archive's rows as other modules may read them (a diary entry's visited household, person or enterprise).
 * No access check: the caller checks the row's region against its actor, as it would for its own rows.
 */
export class ArchiveLookups {
  constructor(private db: Kysely<DB>) {}
  household(id: string) {
    return findHousehold(this.db, id)
  }
  person(id: string) {
    return findPerson(this.db, id)
  }
  enterprise(id: string) {
    return findEnterprise(this.db, id)
  }
}
