import { type Kysely, sql } from 'kysely'

// Issue 14 (民情大脑), 一类事 made batch-wise and limited to problem texts:
// - brain_docs.problem: whether a text reports a problem (every case; a diary entry that records a concern or is
//   marked urgent). Only problem texts form 一类事 and raise 共性问题; routine visit notes stay searchable.
// - brain_postings.problem, carried in the lookup index, so a text looking for a partner to start a cluster with
//   reads problem texts only, from the same index scan. The postings' second index (ref_id) goes: a changed
//   text's postings are found through the lookup index by its old features and time, and every posting written
//   (24 a text) no longer updates two indexes.
// - brain_cluster_features: an inverted index over each cluster's heaviest centroid features, so a batch of texts
//   finds the clusters it may join in one query instead of asking each neighbour which cluster it belongs to.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table brain_docs add column problem boolean not null default true`.execute(db)
  await sql`
    update brain_docs d set problem = false
    where d.kind = 'diary'
      and not exists (select 1 from diary_concerns c where c.entry_id = d.ref_id)
      and not exists (select 1 from diary_entries e where e.id = d.ref_id and e.urgency <> 'normal')`.execute(db)

  await sql`alter table brain_postings add column problem boolean not null default true`.execute(db)
  await sql`
    update brain_postings p set problem = false from brain_docs d
    where d.kind = p.doc_kind and d.ref_id = p.ref_id and not d.problem`.execute(db)
  await sql`drop index brain_postings_feature_at_uq`.execute(db)
  await sql`create unique index brain_postings_feature_at_uq on brain_postings (feature, at desc, doc_kind, ref_id) include (problem)`.execute(db)
  await sql`drop index brain_postings_ref_idx`.execute(db)

  await sql`
    create table brain_cluster_features (
      feature text not null,
      cluster_id uuid not null references brain_clusters(id) on delete cascade,
      weight real not null,
      primary key (feature, cluster_id)
    )`.execute(db)
  await sql`create index brain_cluster_features_cluster_idx on brain_cluster_features (cluster_id)`.execute(db)

  // Routine texts leave their clusters; a cluster left with fewer than two members is gone.
  await sql`
    delete from brain_cluster_members m using brain_docs d
    where d.kind = m.doc_kind and d.ref_id = m.ref_id and not d.problem`.execute(db)
  await sql`
    delete from brain_clusters c
    where (select count(*) from brain_cluster_members m where m.cluster_id = c.id) < 2`.execute(db)
  await sql`
    update brain_clusters c set size = s.n, first_at = s.first_at, last_at = s.last_at
    from (select cluster_id, count(*)::int as n, min(at) as first_at, max(at) as last_at from brain_cluster_members group by cluster_id) s
    where c.id = s.cluster_id`.execute(db)
  // 共性问题 alerts of clusters that are gone (routine notes only) are closed, with a note saying why.
  await sql`
    update alerts a set state = 'handled', handled_at = now(), handled_note = '一类事只归集反映问题的民情（事项、记有问题或紧急的日记），此预警的一类事已不存在'
    where a.kind = 'common_issue' and a.state <> 'handled' and not exists (select 1 from brain_clusters c where c.id::text = a.key)`.execute(db)
  // The remaining clusters' heaviest 16 centroid features (as similar.ts CLUSTER_FEATURES), unit-normalised.
  await sql`
    insert into brain_cluster_features (feature, cluster_id, weight)
    select f.key, c.id, f.value::float8 / n.norm
    from brain_clusters c
    cross join lateral (select sqrt(sum(value::float8 ^ 2)) as norm from jsonb_each_text(c.centroid)) n
    cross join lateral (select key, value from jsonb_each_text(c.centroid) order by value::float8 desc, key limit 16) f
    where n.norm > 0`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists brain_cluster_features`.execute(db)
  await sql`drop index if exists brain_postings_feature_at_uq`.execute(db)
  await sql`create index brain_postings_ref_idx on brain_postings (ref_id)`.execute(db)
  await sql`create unique index brain_postings_feature_at_uq on brain_postings (feature, at desc, doc_kind, ref_id)`.execute(db)
  await sql`alter table brain_postings drop column if exists problem`.execute(db)
  await sql`alter table brain_docs drop column if exists problem`.execute(db)
}
