import { type Kysely, sql } from 'kysely'

// Issue 16: 民情分析会 / 民情月商会 / 议事会 meetings with attendees and decisions (each decision linked to the case or
// task it became), and 契约化共建 pacts between a partner unit and a community: items both ways, a fulfilment log
// (each entry linkable to a case or task), the year-end rating, and an event row per state change.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table meetings (
      id uuid primary key default gen_random_uuid(),
      kind text not null,
      region_id integer not null references regions(id),
      held_on date not null,
      place text not null default '',
      title text not null default '',
      report_region_code text,
      report_week text,
      minutes text not null default '',
      guests text[] not null default '{}',
      created_by uuid not null references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index meetings_region_kind_idx on meetings (region_id, kind, held_on)`.execute(db)
  await sql`
    create table meeting_attendees (
      meeting_id uuid not null references meetings(id) on delete cascade,
      user_id uuid not null references users(id),
      primary key (meeting_id, user_id)
    )`.execute(db)
  await sql`
    create table meeting_decisions (
      id uuid primary key default gen_random_uuid(),
      meeting_id uuid not null references meetings(id) on delete cascade,
      seq integer not null,
      content text not null,
      owner_unit_id uuid references units(id),
      owner_name text not null default '',
      due_date date not null,
      case_id uuid references cases(id),
      task_id uuid references tasks(id),
      created_by uuid not null references users(id),
      created_at timestamptz not null default now(),
      constraint meeting_decisions_one_link check (case_id is null or task_id is null),
      unique (meeting_id, seq)
    )`.execute(db)
  await sql`create index meeting_decisions_case_idx on meeting_decisions (case_id) where case_id is not null`.execute(db)
  await sql`create index meeting_decisions_task_idx on meeting_decisions (task_id) where task_id is not null`.execute(db)

  await sql`
    create table pacts (
      id uuid primary key default gen_random_uuid(),
      title text not null,
      partner_unit_id uuid not null references units(id),
      region_id integer not null references regions(id),
      year integer not null,
      state text not null default 'negotiating',
      signed_on date,
      signatories text not null default '',
      published_at timestamptz,
      rating_score integer,
      rating_comment text,
      rated_at timestamptz,
      rated_by uuid references users(id),
      created_by uuid not null references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint pacts_state_check check (state in ('negotiating', 'signed', 'published', 'fulfilling', 'rated')),
      constraint pacts_score_check check (rating_score is null or rating_score between 0 and 100)
    )`.execute(db)
  await sql`create index pacts_region_idx on pacts (region_id, state)`.execute(db)
  await sql`create index pacts_unit_idx on pacts (partner_unit_id)`.execute(db)
  await sql`
    create table pact_items (
      id uuid primary key default gen_random_uuid(),
      pact_id uuid not null references pacts(id) on delete cascade,
      direction text not null,
      resource text not null,
      content text not null,
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index pact_items_pact_idx on pact_items (pact_id)`.execute(db)
  await sql`
    create table pact_logs (
      id uuid primary key default gen_random_uuid(),
      pact_id uuid not null references pacts(id) on delete cascade,
      item_id uuid references pact_items(id),
      done_on date not null,
      content text not null,
      case_id uuid references cases(id),
      task_id uuid references tasks(id),
      created_by uuid not null references users(id),
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index pact_logs_pact_idx on pact_logs (pact_id, done_on)`.execute(db)
  await sql`
    create table pact_events (
      id bigint generated always as identity primary key,
      pact_id uuid not null references pacts(id) on delete cascade,
      action text not null,
      from_state text,
      to_state text not null,
      actor_id uuid references users(id),
      at timestamptz not null default now(),
      note text
    )`.execute(db)
  await sql`create index pact_events_pact_idx on pact_events (pact_id, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['pact_events', 'pact_logs', 'pact_items', 'pacts', 'meeting_decisions', 'meeting_attendees', 'meetings']) await sql`drop table if exists ${sql.raw(t)}`.execute(db)
}
