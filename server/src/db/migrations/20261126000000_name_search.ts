import { type Kysely, sql } from 'kysely'

// "Name contains …" over a county's million persons without a sequential scan: each name's characters and
// character pairs in an array column (generated, so every writer keeps it right) under a GIN index. A search
// for 建国 asks for names holding the pair 建国, then LIKE confirms; one character asks for that character.
// Core PostgreSQL only (no pg_trgm): the same on PostgreSQL 15 and PGlite.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function minqing_grams(t text) returns text[]
    language sql immutable parallel safe as $$
      select coalesce(array_agg(distinct g), '{}'::text[]) from (
        select substr(t, i, 1) as g from generate_series(1, char_length(t)) i
        union all
        select substr(t, i, 2) from generate_series(1, char_length(t) - 1) i
      ) grams
    $$`.execute(db)
  await sql`alter table persons add column name_grams text[] generated always as (minqing_grams(name)) stored`.execute(db)
  await sql`create index persons_name_grams_idx on persons using gin (name_grams)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists persons_name_grams_idx`.execute(db)
  await sql`alter table persons drop column if exists name_grams`.execute(db)
  await sql`drop function if exists minqing_grams(text)`.execute(db)
}
