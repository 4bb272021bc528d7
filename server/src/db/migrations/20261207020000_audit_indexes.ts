import { type Kysely, sql } from 'kysely'

// The console's audit page lists audit_log newest first, filtered by the caller's area (region_id), by the
// user who acted (actor_id), or by the entity (the existing entity index). Without these, a town admin's
// page or one user's trail reads the whole log in time order until the page is full.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index audit_log_region_at_idx on audit_log (region_id, at desc, id desc)`.execute(db)
  await sql`create index audit_log_actor_at_idx on audit_log (actor_id, at desc, id desc)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists audit_log_actor_at_idx`.execute(db)
  await sql`drop index if exists audit_log_region_at_idx`.execute(db)
}
