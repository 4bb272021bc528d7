import { type Kysely, sql } from 'kysely'

// Issue 14 (民情大脑), hot words that mean something, fast: the rollup brain_hotwords is now folded through the hot words'
// own filter (modules/brain/text.ts: a stoplist of visit-note words, place names, part of speech, general
// frequency, problem phrases such as 路灯不亮) and keeps, under the word '' (never a real word), the number of texts
// of each day × region × source, which the rising words are measured against.
//   brain_hotword_filter  one row: the fingerprint of the filter the rollup was folded with (its rules' version,
//                         its word lists, the regions' names). The hot-word consumer compares it with its own at every
//                         fold and, when they differ, rebuilds the rollup from brain_docs in the indexer's
//                         transaction — so this upgrade (fingerprint '') re-folds existing rollups, and so does any
//                         later change of the word lists or of the regions' names.
//   brain_hotwords_weekly the same rollup by ISO week (week: its Monday) for towns, counties and cities, kept by the
//                         same fold: a window's whole weeks are read from it and only the days around them by day — a
//                         county's 30 days at a million texts are ~74,000 rows instead of ~142,000 (villages and
//                         grids have none: their words rarely repeat within a week; bench/brain-hotwords.bench.ts).
//   both primary keys     carry n (INCLUDE): a window's words are summed from the index alone (an index-only scan),
//                         without a heap visit per row.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table brain_hotwords drop constraint brain_hotwords_pkey`.execute(db)
  await sql`alter table brain_hotwords add constraint brain_hotwords_pkey primary key (region_id, source, day, word) include (n)`.execute(db)
  await sql`
    create table brain_hotwords_weekly (
      week date not null,
      region_id integer not null,
      source text not null,
      word text not null,
      n integer not null,
      constraint brain_hotwords_weekly_pkey primary key (region_id, source, week, word) include (n)
    )`.execute(db)
  await sql`
    create table brain_hotword_filter (
      id smallint primary key default 1,
      fingerprint text not null default '',
      rebuilt_at timestamptz,
      constraint brain_hotword_filter_one_row check (id = 1)
    )`.execute(db)
  await sql`insert into brain_hotword_filter default values`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists brain_hotword_filter`.execute(db)
  await sql`drop table if exists brain_hotwords_weekly`.execute(db)
  await sql`alter table brain_hotwords drop constraint brain_hotwords_pkey`.execute(db)
  await sql`alter table brain_hotwords add constraint brain_hotwords_pkey primary key (region_id, source, day, word)`.execute(db)
}
