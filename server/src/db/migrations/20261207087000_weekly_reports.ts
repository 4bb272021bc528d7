import { type Kysely, sql } from 'kysely'

// Issue 16 (民情分析会): the weekly analysis report of a town or the county, stored once its ISO week is over so
// last week's report stays what the meeting discussed (later events change the live statistics, not this row).
// `notified_at` marks that the region's leaders got their notice (the Monday job sends it once per region and week).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table weekly_reports (
      region_id integer not null references regions(id),
      week text not null,
      data jsonb not null,
      generated_at timestamptz not null default now(),
      generated_by uuid,
      notified_at timestamptz,
      primary key (region_id, week)
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists weekly_reports`.execute(db)
}
