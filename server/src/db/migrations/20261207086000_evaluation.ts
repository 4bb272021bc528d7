import { type Kysely, sql } from 'kysely'

// Issue 16: evaluation (考核评价). Scores are computed from the statistics module's figures; these tables hold only
// what is not a figure: the versioned formula (weights) and the published award rounds (奔跑奖 / 蜗牛奖).
// stats_case_facts gains the case's handler (the claiming leader, else the handler) so the statistics module can
// group its figures by cadre (groupBy=handler) the same way it groups by unit.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table stats_case_facts add column handler_id uuid`.execute(db)
  await sql`update stats_case_facts f set handler_id = coalesce(c.claimed_by, c.handler_id) from cases c where c.id = f.case_id`.execute(db)
  await sql`create index stats_case_facts_handler_idx on stats_case_facts (period, handler_id) include (region_id) where handler_id is not null`.execute(db)

  // A formula version is in force from its month until the next version's month; versions are never edited.
  await sql`
    create table evaluation_formulas (
      version integer primary key,
      weights jsonb not null,
      effective_from text not null check (effective_from ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      note text,
      created_by uuid references users(id),
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index evaluation_formulas_from_idx on evaluation_formulas (effective_from, version)`.execute(db)
  const weights = {
    unit: { responseRate: 20, onTimeRate: 30, satisfactionRate: 35, closeRate: 15 },
    cadre: { responseRate: 15, onTimeRate: 25, satisfactionRate: 30, closeRate: 10, visitCoverage: 15, volunteerHours: 5 },
    penalties: { yellowCard: 5, redCard: 10, overdueCase: 2 },
    minCases: { unit: 3, cadre: 1 },
    hoursTarget: 4,
    awards: { top: 3, bottom: 3, minCases: 3, overdueWorkingDays: 5 },
  }
  await sql`insert into evaluation_formulas (version, weights, effective_from, note) values (1, ${JSON.stringify(weights)}::jsonb, '2000-01', '默认权重')`.execute(db)

  // One award round per month and region: a draft (notes only; the items are computed on each read) until a leader
  // publishes it, which freezes the items.
  await sql`
    create table evaluation_awards (
      id uuid primary key default gen_random_uuid(),
      period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      region_id integer not null references regions(id),
      state text not null default 'draft' check (state in ('draft', 'published')),
      note text,
      notes jsonb not null default '{}',
      items jsonb,
      formula_version integer references evaluation_formulas(version),
      updated_by uuid references users(id),
      updated_at timestamptz not null default now(),
      published_by uuid references users(id),
      published_at timestamptz,
      unique (region_id, period)
    )`.execute(db)
  await sql`create index evaluation_awards_published_idx on evaluation_awards (region_id, period desc) where state = 'published'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists evaluation_awards`.execute(db)
  await sql`drop table if exists evaluation_formulas`.execute(db)
  await sql`drop index if exists stats_case_facts_handler_idx`.execute(db)
  await sql`alter table stats_case_facts drop column if exists handler_id`.execute(db)
}
