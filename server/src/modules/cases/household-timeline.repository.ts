import { type Kysely, type SqlBool, sql, type Expression } from 'kysely'
import type { DB } from '../../db/types.ts'
import { regionIdUnder } from '../../platform/policy.ts'

/** Who reads: the case rule of the cases list (area subtree, own unit, own handling or claim). */
export interface CaseViewer {
  userId: string
  regionPath: string
  unitId: string | null
}

/**
 * Cases linked to a household (一事一表), newest first, only those the viewer may see:
 * - reported by one of its members (`reporter_person_id`);
 * - raised from a diary entry about the household or one of its members (`diary_entry_id`);
 * - whose address text contains the household's address, in the household's own village (`addressUnder`).
 * The caller checks the address match's boundaries; this only narrows by `strpos`.
 */
export async function casesLinkedToHousehold(db: Kysely<DB>, h: { householdId: string; memberIds: string[]; address: string | null; addressUnder: string }, viewer: CaseViewer, limit: number) {
  return db
    .selectFrom('cases as c')
    .innerJoin('regions as r', 'r.id', 'c.region_id')
    .leftJoin('diary_entries as de', 'de.id', 'c.diary_entry_id')
    .select([
      'c.id',
      'c.number',
      'c.title',
      'c.description',
      'c.state',
      'c.created_at',
      'c.reporter_kind',
      'c.reporter_name',
      'c.reporter_person_id',
      'c.address',
      'r.name as region_name',
      'de.household_id as diary_household_id',
      'de.person_id as diary_person_id',
      (eb) => eb.selectFrom('users as u').select('u.name').whereRef('u.id', '=', 'c.created_by').as('creator_name'),
    ])
    .where((eb) => {
      const links: Expression<SqlBool>[] = []
      if (h.memberIds.length) links.push(eb('c.reporter_person_id', 'in', h.memberIds))
      links.push(
        eb(
          'c.diary_entry_id',
          'in',
          eb
            .selectFrom('diary_entries as d')
            .select('d.id')
            .where((d) => d.or([d('d.household_id', '=', h.householdId), ...(h.memberIds.length ? [d('d.person_id', 'in', h.memberIds)] : [])])),
        ),
      )
      if (h.address) links.push(eb.and([regionIdUnder('c.region_id', h.addressUnder), sql<SqlBool>`strpos(c.address, ${h.address}) > 0`]))
      return eb.or(links)
    })
    .where((eb) =>
      eb.or([
        regionIdUnder('c.region_id', viewer.regionPath),
        ...(viewer.unitId ? [eb('c.unit_id', '=', viewer.unitId)] : []),
        eb('c.handler_id', '=', viewer.userId),
        eb('c.claimed_by', '=', viewer.userId),
      ]),
    )
    .orderBy('c.created_at', 'desc')
    .limit(limit)
    .execute()
}

export type LinkedCaseRow = Awaited<ReturnType<typeof casesLinkedToHousehold>>[number]
