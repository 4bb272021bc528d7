import { type Kysely, sql } from 'kysely'

// Issue 15 (teams, rotas, activities, ledger): 志愿队伍 with members, their weekly duty rota (轮值接访) and dated
// exceptions; 民情日/民情角 activities with a schedule, and the 服务台账 of each session with items that link to the
// case or task they became.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table volunteer_teams (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      kind text not null,
      region_id integer not null references regions(id),
      leader_id uuid references users(id),
      description text not null default '',
      active boolean not null default true,
      created_by uuid not null references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index volunteer_teams_region_idx on volunteer_teams (region_id)`.execute(db)
  await sql`
    create table team_members (
      team_id uuid not null references volunteer_teams(id),
      user_id uuid not null references users(id),
      joined_at timestamptz not null default now(),
      primary key (team_id, user_id)
    )`.execute(db)
  await sql`create index team_members_user_idx on team_members (user_id)`.execute(db)
  // Weekly slots: ISO weekday (1 = Monday … 7 = Sunday), local (Asia/Shanghai) times as HH:MM.
  await sql`
    create table rota_slots (
      id uuid primary key default gen_random_uuid(),
      team_id uuid not null references volunteer_teams(id),
      weekday smallint not null,
      start_time text not null,
      end_time text not null,
      place text not null default '',
      user_id uuid references users(id),
      note text not null default '',
      constraint rota_slots_weekday_check check (weekday between 1 and 7),
      constraint rota_slots_time_check check (end_time > start_time)
    )`.execute(db)
  await sql`create index rota_slots_team_idx on rota_slots (team_id, weekday)`.execute(db)
  // A dated exception: with slot_id it cancels or changes that slot on that date; without, it is an extra duty.
  await sql`
    create table rota_exceptions (
      id uuid primary key default gen_random_uuid(),
      team_id uuid not null references volunteer_teams(id),
      date date not null,
      slot_id uuid references rota_slots(id) on delete cascade,
      cancelled boolean not null default false,
      start_time text,
      end_time text,
      place text,
      user_id uuid references users(id),
      note text not null default '',
      created_by uuid not null references users(id),
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index rota_exceptions_team_idx on rota_exceptions (team_id, date)`.execute(db)
  await sql`create unique index rota_exceptions_slot_date_idx on rota_exceptions (slot_id, date) where slot_id is not null`.execute(db)
  await sql`
    create table activities (
      id uuid primary key default gen_random_uuid(),
      title text not null,
      kind text not null,
      place text not null default '',
      region_id integer not null references regions(id),
      description text not null default '',
      recurrence text not null,
      first_date date not null,
      until_date date,
      weekdays smallint[] not null default '{}',
      month_day smallint,
      start_time text not null,
      end_time text not null,
      team_id uuid references volunteer_teams(id),
      audience text not null,
      state text not null default 'draft',
      published_at timestamptz,
      created_by uuid not null references users(id),
      created_at timestamptz not null default now(),
      constraint activities_time_check check (end_time > start_time),
      constraint activities_until_check check (until_date is null or until_date >= first_date)
    )`.execute(db)
  await sql`create index activities_region_idx on activities (region_id, first_date)`.execute(db)
  await sql`
    create table activity_sessions (
      id uuid primary key default gen_random_uuid(),
      activity_id uuid not null references activities(id),
      date date not null,
      residents_count integer not null default 0,
      notes text not null default '',
      recorded_by uuid not null references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint activity_sessions_residents_check check (residents_count >= 0),
      unique (activity_id, date)
    )`.execute(db)
  await sql`
    create table session_attendees (
      session_id uuid not null references activity_sessions(id),
      user_id uuid not null references users(id),
      primary key (session_id, user_id)
    )`.execute(db)
  await sql`
    create table ledger_items (
      id uuid primary key default gen_random_uuid(),
      session_id uuid not null references activity_sessions(id),
      content text not null,
      raised_by text,
      outcome text not null,
      answer text,
      case_id uuid references cases(id),
      task_id uuid references tasks(id),
      created_by uuid not null references users(id),
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index ledger_items_session_idx on ledger_items (session_id, created_at)`.execute(db)
  // A task for one team (audience 'team'): only its members are notified and may claim.
  await sql`alter table tasks add column team_id uuid references volunteer_teams(id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks drop column if exists team_id`.execute(db)
  for (const t of ['ledger_items', 'session_attendees', 'activity_sessions', 'activities', 'rota_exceptions', 'rota_slots', 'team_members', 'volunteer_teams'])
    await sql`drop table if exists ${sql.raw(t)}`.execute(db)
}
