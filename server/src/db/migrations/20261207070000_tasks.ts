import { type Kysely, sql } from 'kysely'

// Issue 15 (先锋任务): tasks, who claimed them, and every change as a task_events row (like case_events).
// Exactness lives here: `claimed` moves only through a conditional UPDATE (claimed < slots), the check keeps it
// in bounds whatever the code does, and (task_id, user_id) is unique so nobody holds two claims.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table tasks (
      id uuid primary key default gen_random_uuid(),
      title text not null,
      description text not null default '',
      region_id integer not null references regions(id),
      place text,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      slots integer not null,
      claimed integer not null default 0,
      audience text not null,
      skills text[] not null default '{}',
      points integer not null default 0,
      hours numeric(6,2) not null default 0,
      case_id uuid references cases(id),
      state text not null default 'open',
      published_by uuid not null references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint tasks_slots_check check (slots > 0),
      constraint tasks_claimed_check check (claimed >= 0 and claimed <= slots),
      constraint tasks_window_check check (ends_at > starts_at)
    )`.execute(db)
  await sql`create index tasks_region_idx on tasks (region_id, starts_at desc)`.execute(db)
  await sql`create index tasks_case_idx on tasks (case_id) where case_id is not null`.execute(db)
  await sql`
    create table task_claims (
      task_id uuid not null references tasks(id),
      user_id uuid not null references users(id),
      state text not null default 'claimed',
      claimed_at timestamptz not null default now(),
      checkin_at timestamptz,
      checkin_lat double precision,
      checkin_lng double precision,
      checkout_at timestamptz,
      checkout_lat double precision,
      checkout_lng double precision,
      finished_at timestamptz,
      report text,
      confirmed_at timestamptz,
      confirmed_by uuid references users(id),
      hours numeric(6,2) not null default 0,
      points integer not null default 0,
      primary key (task_id, user_id)
    )`.execute(db)
  await sql`create index task_claims_user_idx on task_claims (user_id)`.execute(db)
  await sql`
    create table task_events (
      id uuid primary key default gen_random_uuid(),
      task_id uuid not null references tasks(id),
      user_id uuid references users(id),
      action text not null,
      actor_id uuid references users(id),
      at timestamptz not null default now(),
      data jsonb not null default '{}'
    )`.execute(db)
  await sql`create index task_events_task_idx on task_events (task_id, at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists task_events`.execute(db)
  await sql`drop table if exists task_claims`.execute(db)
  await sql`drop table if exists tasks`.execute(db)
}
