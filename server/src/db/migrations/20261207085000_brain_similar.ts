import { type Kysely, sql } from 'kysely'

// Issue 14 (民情大脑): similar cases and 一类事. An inverted index over each text's rarest features (words, their
// synonym concepts and characters; brain/features.ts) with each feature's document frequency, so a lookup reads a
// few short posting lists instead of every text; and clusters of the same matter across regions and sources,
// assigned incrementally as texts are indexed. Texts are keyed by (doc_kind, ref_id) as in brain_docs.
export async function up(db: Kysely<any>): Promise<void> {
  // feature '' counts the texts (N of the IDF).
  await sql`create table brain_terms (feature text primary key, df bigint not null default 0)`.execute(db)
  await sql`
    create table brain_postings (
      feature text not null,
      doc_kind text not null,
      ref_id uuid not null,
      at timestamptz not null
    )`.execute(db)
  // One index serves the lookup (a feature's newest texts in a time window) and keeps a text once per feature.
  await sql`create unique index brain_postings_feature_at_uq on brain_postings (feature, at desc, doc_kind, ref_id)`.execute(db)
  await sql`create index brain_postings_ref_idx on brain_postings (ref_id)`.execute(db)
  await sql`
    create table brain_clusters (
      id uuid primary key default gen_random_uuid(),
      label text not null,
      keywords text[] not null,
      centroid jsonb not null,
      size integer not null,
      first_at timestamptz not null,
      last_at timestamptz not null,
      alert_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index brain_clusters_last_at_idx on brain_clusters (last_at desc)`.execute(db)
  await sql`
    create table brain_cluster_members (
      doc_kind text not null,
      ref_id uuid not null,
      cluster_id uuid not null references brain_clusters(id) on delete cascade,
      region_id integer not null references regions(id),
      region_path text not null,
      source text not null,
      at timestamptz not null,
      score real not null,
      primary key (doc_kind, ref_id)
    )`.execute(db)
  await sql`create index brain_cluster_members_cluster_idx on brain_cluster_members (cluster_id, at)`.execute(db)
  await sql`create index brain_cluster_members_path_idx on brain_cluster_members (region_path text_pattern_ops)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists brain_cluster_members`.execute(db)
  await sql`drop table if exists brain_clusters`.execute(db)
  await sql`drop table if exists brain_postings`.execute(db)
  await sql`drop table if exists brain_terms`.execute(db)
}
