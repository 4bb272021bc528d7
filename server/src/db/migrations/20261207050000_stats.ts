import { type Kysely, sql } from 'kysely'

/** The counters every rollup row and every per-case fact carries (modules/stats/facts.ts says what each means). */
const COUNTERS = [
  'received',
  'closed',
  'open',
  'rejected',
  'merged',
  'overdue',
  'warned',
  'dispatched',
  'responded',
  'answered',
  'reopened',
  'returned',
  'rated',
  'satisfied',
  'unsatisfied',
  'yellow',
  'red',
  'on_time',
  'close_days',
  'resolved',
  'grid_closed',
  'grid_resolved',
  'village_closed',
  'village_resolved',
  'town_closed',
  'town_resolved',
]

// Issue 13 (statistics): the folder reads case_events past a watermark, recomputes each touched case's fact row
// (its cohort day, leaf region, category, unit, raised level and counters) and adds the difference to three
// rollups, each keyed by every ancestor-or-self region of the case so a region's figures are one index range:
//   stats_fine   day × region × leaf category × unit × raised level (filters by unit, level, sub-category)
//   stats_daily  day × region × top-level category (day/week trends, region and category groupings)
//   stats_monthly month × region × top-level category (years and whole months: the cockpit, county-year queries)
// Unused key parts are 0 / the nil uuid / '-' so every key column is NOT NULL and part of the primary key.
export async function up(db: Kysely<any>): Promise<void> {
  const counters = sql.raw(COUNTERS.map((c) => `${c} integer not null default 0`).join(', '))
  for (const t of ['stats_fine', 'stats_daily', 'stats_monthly']) {
    await sql`create table ${sql.table(t)} (
      period date not null,
      region_id integer not null,
      category_id integer not null default 0,
      unit_id uuid not null default '00000000-0000-0000-0000-000000000000',
      raised_level text not null default '-',
      ${counters},
      primary key (region_id, period, category_id, unit_id, raised_level)
    )`.execute(db)
  }
  await sql`create table stats_case_facts (
    case_id uuid primary key,
    period date not null,
    region_id integer not null,
    category_id integer not null default 0,
    unit_id uuid not null default '00000000-0000-0000-0000-000000000000',
    raised_level text not null,
    counters integer[] not null,
    last_event_id bigint not null default 0
  )`.execute(db)
  // One row per folder: how far it has read case_events. Processes take it FOR UPDATE, so one folds at a time.
  await sql`create table stats_watermarks (name text primary key, last_event_id bigint not null default 0, folded_at timestamptz)`.execute(db)
  await sql`insert into stats_watermarks (name) values ('cases')`.execute(db)
  // The cockpit's "now" counts (in progress, due soon, overdue) read only unfinished cases by leaf region.
  await sql`create index stats_cases_live_idx on cases (region_id, state) include (due_at, warned_at, overdue_at) where state not in ('closed', 'rejected', 'merged')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists stats_cases_live_idx`.execute(db)
  for (const t of ['stats_watermarks', 'stats_case_facts', 'stats_monthly', 'stats_daily', 'stats_fine']) await sql`drop table if exists ${sql.table(t)}`.execute(db)
}
