import { type Kysely, sql } from 'kysely'

// Issue 12 (一事一表): a household's timeline lists the cases its members reported and the cases raised from
// visits to it. Those are looked up by the reporter person and by the diary entry a case came from; without
// these indexes each timeline read scanned every case.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index cases_reporter_person_idx on cases (reporter_person_id) where reporter_person_id is not null`.execute(db)
  await sql`create index cases_diary_entry_idx on cases (diary_entry_id) where diary_entry_id is not null`.execute(db)
  await sql`create index diary_entries_person_idx on diary_entries (person_id) where person_id is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists diary_entries_person_idx`.execute(db)
  await sql`drop index if exists cases_diary_entry_idx`.execute(db)
  await sql`drop index if exists cases_reporter_person_idx`.execute(db)
}
