import { type Kysely, sql } from 'kysely'

// Issue 14 (民情大脑): hot words and alerts.
//   brain_hotwords  day (Asia/Shanghai) × region × source × word → texts containing the word (a word counts once per
//                   text). Keyed by every ancestor-or-self region of the text, like the statistics rollups, so "30 days
//                   of a county" is one index range; source '*' holds all sources together, so the default query does
//                   not sum over sources. Kept by the hot-word consumer of the brain's indexer (old subtracted, new added).
//   alerts          共性问题 (common_issue), 苗头隐患 (spike), …: deduplicated by (kind, key) while not handled; a state
//                   new → acknowledged → handled with who and when; an owner (default the county duty officer).
//   alert_links     the cases and diary entries an alert points at.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table brain_hotwords (
      day date not null,
      region_id integer not null,
      source text not null,
      word text not null,
      n integer not null,
      primary key (region_id, source, day, word)
    )`.execute(db)
  await sql`
    create table alerts (
      id uuid primary key default gen_random_uuid(),
      kind text not null,
      key text not null,
      title text not null,
      region_id integer not null references regions(id),
      state text not null default 'new',
      owner_id uuid references users(id),
      details jsonb not null default '{}'::jsonb,
      first_seen timestamptz not null default now(),
      last_seen timestamptz not null default now(),
      acknowledged_by uuid references users(id),
      acknowledged_at timestamptz,
      handled_by uuid references users(id),
      handled_at timestamptz,
      handled_note text,
      constraint alerts_kind_check check (kind in ('common_issue', 'spike')),
      constraint alerts_state_check check (state in ('new', 'acknowledged', 'handled'))
    )`.execute(db)
  // One open alert per (kind, key): raising it again while it is not handled updates that one.
  await sql`create unique index alerts_open_key_uq on alerts (kind, key) where state <> 'handled'`.execute(db)
  await sql`create index alerts_region_seen_idx on alerts (region_id, last_seen desc)`.execute(db)
  await sql`
    create table alert_links (
      alert_id uuid not null references alerts(id) on delete cascade,
      kind text not null,
      ref_id uuid not null,
      added_at timestamptz not null default now(),
      primary key (alert_id, kind, ref_id),
      constraint alert_links_kind_check check (kind in ('case', 'diary'))
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists alert_links`.execute(db)
  await sql`drop table if exists alerts`.execute(db)
  await sql`drop table if exists brain_hotwords`.execute(db)
}
