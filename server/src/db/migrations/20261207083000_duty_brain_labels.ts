import { type Kysely, sql } from 'kysely'

// Issue 14: the county's 值班 roster (who is the duty officer on a day; urgent cases and alerts reach them) and
// the categories dispatchers confirm or correct, kept as labelled examples the classifier learns from.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table duty_roster (
      county_id integer not null references regions(id),
      day date not null,
      user_id uuid not null references users(id),
      created_by uuid,
      created_at timestamptz not null default now(),
      primary key (county_id, day, user_id)
    )`.execute(db)
  // One row per confirmation or correction; `id` is the watermark other processes read from.
  await sql`
    create table brain_labels (
      id bigserial primary key,
      case_id uuid references cases(id),
      category_code text not null,
      tokens text[] not null,
      created_by uuid,
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index brain_labels_case_idx on brain_labels (case_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists brain_labels`.execute(db)
  await sql`drop table if exists duty_roster`.execute(db)
}
