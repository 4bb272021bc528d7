import { type Kysely, sql } from 'kysely'

// Every channel in: API clients (Open311 and push), other platforms as import sources with their saved column
// mapping, the external identity of imported cases (source, external id), 民情码 on places, and the
// resident's rating comment.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_sources')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[a-z0-9_-]{2,40}$'`))
    .addColumn('name', 'text', (c) => c.notNull())
    // Which channel the cases of this source carry (import: a file from another platform; platform: pushed by it).
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('import'))
    // Our field → the source's column header, saved per source so the next export imports without mapping again.
    .addColumn('mapping', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Source status text → our state (e.g. 已办结 → closed); unknown ones stay new.
    .addColumn('status_map', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('region_id', 'integer', (c) => c.references('regions.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('api_clients')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('open311', 'push')`))
    // The key is shown once; we keep its SHA-256 (keys are long random strings, so a fast hash is enough).
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('source_code', 'text', (c) => c.references('case_sources.code').onDelete('cascade'))
    // Reports of this client land in this region's subtree (default: the whole county).
    .addColumn('region_id', 'integer', (c) => c.references('regions.id'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute()

  await db.schema
    .alterTable('cases')
    .addColumn('source', 'text')
    .addColumn('external_id', 'text')
    .addColumn('api_client_id', 'uuid', (c) => c.references('api_clients.id').onDelete('set null'))
    .addColumn('place_id', 'uuid', (c) => c.references('places.id').onDelete('set null'))
    .addColumn('reporter_email', 'text')
    .addColumn('address', 'text')
    .addColumn('rating_comment', 'text')
    .addColumn('rated_at', 'timestamptz')
    .execute()
  await sql`create unique index cases_external_uq on cases (source, external_id) where external_id is not null`.execute(db)
  await sql`create index cases_created_idx on cases (created_at)`.execute(db)
  // Open311's public lists (its own channel, by time) and the servicerequestupdates feed (events by time).
  await sql`create index cases_channel_created_idx on cases (channel, created_at)`.execute(db)
  await sql`create index case_events_at_idx on case_events (at)`.execute(db)
  // The 待交办 queue in its own order: a dispatcher's first page walks this small index and stops after 50 rows
  // instead of sorting every waiting case of their area (35 ms → 0.5 ms at a million cases), and its capped
  // count is an index-only scan.
  await sql`create index cases_to_dispatch_idx on cases (due_at, created_at desc) include (region_id, level) where state in ('new', 'returned', 'escalated', 'reopened')`.execute(db)

  // 民情码 of a place: a short code printed on its poster (/r/<code>); regions use their own code.
  await db.schema
    .alterTable('places')
    .addColumn('qr_code', 'text', (c) => c.unique())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('places').dropColumn('qr_code').execute()
  await sql`drop index if exists cases_to_dispatch_idx`.execute(db)
  await sql`drop index if exists case_events_at_idx`.execute(db)
  await sql`drop index if exists cases_channel_created_idx`.execute(db)
  await sql`drop index if exists cases_created_idx`.execute(db)
  await sql`drop index if exists cases_external_uq`.execute(db)
  for (const col of ['source', 'external_id', 'api_client_id', 'place_id', 'reporter_email', 'address', 'rating_comment', 'rated_at']) {
    await db.schema.alterTable('cases').dropColumn(col).execute()
  }
  await db.schema.dropTable('api_clients').ifExists().execute()
  await db.schema.dropTable('case_sources').ifExists().execute()
}
