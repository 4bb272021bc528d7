import { type Kysely, sql } from 'kysely'

// Issue 11. (1) ID numbers were stored masked as 330683********1234 — exactly the birth date hidden, which the
// archive shows beside it. The new mask keeps the first and last character only; every stored copy (persons and
// the masked values quoted in archive history) is recomputed from the old mask, no key needed. (2) An ID number
// that belongs to a person outside the writer's area is kept on the record with its hash in id_pending_hash
// (not unique) until a county admin resolves the two records, so a write no longer tells whether it exists elsewhere.
const newMask = (v: string) => sql`left(${sql.raw(v)}, 1) || repeat('*', length(${sql.raw(v)}) - 2) || right(${sql.raw(v)}, 1)`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table persons add column id_pending_hash text`.execute(db)
  await sql`create index persons_id_pending_hash_idx on persons (id_pending_hash) where id_pending_hash is not null`.execute(db)
  await remaskStored(db)
}

/** Every stored ID-number mask in today's form (idempotent; exported for its test). */
export async function remaskStored(db: Kysely<any>): Promise<void> {
  await sql`update persons set id_masked = ${newMask('id_masked')} where id_masked is not null and length(id_masked) >= 10 and id_masked <> ${newMask('id_masked')}`.execute(db)
  // History rows quote the masked number as from/to of an idNumber change.
  const fix = (part: string) =>
    sql.raw(
      `case when jsonb_typeof(c->'${part}') = 'string' and length(c->>'${part}') >= 10
        then to_jsonb(left(c->>'${part}', 1) || repeat('*', length(c->>'${part}') - 2) || right(c->>'${part}', 1)) else coalesce(c->'${part}', 'null'::jsonb) end`,
    )
  await sql`
    update archive_history a set changes = (
      select jsonb_agg(case when c->>'field' = 'idNumber'
        then jsonb_set(jsonb_set(c, '{from}', ${fix('from')}), '{to}', ${fix('to')}) else c end order by n)
      from jsonb_array_elements(a.changes) with ordinality as e(c, n)
    )
    where jsonb_typeof(a.changes) = 'array' and a.changes @> '[{"field":"idNumber"}]'::jsonb
      and a.changes::text ~ '[0-9X]{2}[*]'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  // The old masks cannot be rebuilt without decrypting; only the column goes.
  await sql`drop index if exists persons_id_pending_hash_idx`.execute(db)
  await sql`alter table persons drop column if exists id_pending_hash`.execute(db)
}
