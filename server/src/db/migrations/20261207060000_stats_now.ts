import { type Kysely, sql } from 'kysely'

// Issue 13: the cockpit's "now" figures (overdue, due soon) as rollup counters too — a case's fact is recomputed
// on each of its events, and only events change those conditions — so the summary never counts live cases.
// The feed and the map walk small partial indexes instead of the cases table.
export async function up(db: Kysely<any>): Promise<void> {
  for (const t of ['stats_fine', 'stats_daily', 'stats_monthly']) {
    await sql`alter table ${sql.table(t)} add column now_overdue integer not null default 0, add column now_due_soon integer not null default 0`.execute(db)
  }
  await sql`drop index if exists stats_cases_live_idx`.execute(db)
  await sql`create index stats_cases_warned_idx on cases (warned_at desc) include (region_id) where warned_at is not null and overdue_at is null and state not in ('closed', 'rejected', 'merged')`.execute(
    db,
  )
  await sql`create index stats_cases_overdue_idx on cases (overdue_at desc) include (region_id) where overdue_at is not null and state not in ('closed', 'rejected', 'merged')`.execute(db)
  await sql`create index stats_cases_points_idx on cases (created_at desc) include (region_id) where lat is not null and lng is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['stats_cases_points_idx', 'stats_cases_overdue_idx', 'stats_cases_warned_idx']) await sql`drop index if exists ${sql.raw(i)}`.execute(db)
  for (const t of ['stats_fine', 'stats_daily', 'stats_monthly']) {
    await sql`alter table ${sql.table(t)} drop column now_overdue, drop column now_due_soon`.execute(db)
  }
}
