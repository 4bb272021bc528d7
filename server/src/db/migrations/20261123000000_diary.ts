import { type Kysely, sql } from 'kysely'

// 民情日记: diary entries (one visit, one entry), their photos, concerns, comments and review marks;
// visit rules (民情大走访 quotas) and 民情日 (concentrated visit days).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('diary_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('village', 'community', 'enterprise')`))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('household_id', 'uuid', (c) => c.references('households.id').onDelete('set null'))
    .addColumn('person_id', 'uuid', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('enterprise_id', 'uuid', (c) => c.references('enterprises.id').onDelete('set null'))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('mood', 'text')
    .addColumn('urgency', 'text', (c) =>
      c
        .notNull()
        .defaultTo('normal')
        .check(sql`urgency in ('normal', 'urgent', 'emergency')`),
    )
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .addColumn('location_source', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('review', 'text', (c) =>
      c
        .notNull()
        .defaultTo('none')
        .check(sql`review in ('none', 'reviewed', 'good_example')`),
    )
    .addColumn('reviewed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reviewed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Idempotent intake: an author's clientId is stored once however often the phone resends it.
    .addUniqueConstraint('diary_entries_author_client_uq', ['author_id', 'client_id'])
    .execute()
  await db.schema.createIndex('diary_entries_region_idx').on('diary_entries').columns(['region_id', 'created_at']).execute()
  await db.schema.createIndex('diary_entries_household_idx').on('diary_entries').columns(['household_id', 'occurred_at']).execute()
  await db.schema.createIndex('diary_entries_enterprise_idx').on('diary_entries').columns(['enterprise_id', 'occurred_at']).execute()
  await db.schema.createIndex('diary_entries_author_idx').on('diary_entries').columns(['author_id', 'occurred_at']).execute()

  await db.schema
    .createTable('diary_photos')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('diary_entries.id').onDelete('cascade'))
    .addColumn('file_id', 'uuid', (c) => c.notNull().references('files.id'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('diary_photos_entry_client_uq', ['entry_id', 'client_id'])
    .execute()

  await db.schema
    .createTable('diary_concerns')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('diary_entries.id').onDelete('cascade'))
    .addColumn('position', 'smallint', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    // Filled when the concern becomes a case (the cases module adds the foreign key when it lands).
    .addColumn('case_id', 'uuid')
    .execute()
  await db.schema.createIndex('diary_concerns_entry_idx').on('diary_concerns').column('entry_id').execute()

  await db.schema
    .createTable('diary_comments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('entry_id', 'uuid', (c) => c.notNull().references('diary_entries.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('diary_comments_entry_idx').on('diary_comments').columns(['entry_id', 'created_at']).execute()

  await db.schema
    .createTable('visit_rules')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('station', 'text')
    .addColumn('measure', 'text', (c) => c.notNull().check(sql`measure in ('visits', 'household_share', 'all_households')`))
    .addColumn('period', 'text', (c) => c.notNull().check(sql`period in ('week', 'month', 'half_year', 'year')`))
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute()
  // The seeds' rules (民情大走访): department cadres monthly, town cadres weekly, a stationed village cadre 8 %
  // of the village's households a month and all of them a year, village cadres all households each half year.
  await db
    .insertInto('visit_rules')
    .values([
      { role: 'dept_handler', station: null, measure: 'visits', period: 'month', target: 1, description: '部门干部每月至少走访1次' },
      { role: 'town_handler', station: null, measure: 'visits', period: 'week', target: 1, description: '镇街干部每周至少走访1次' },
      { role: 'stationed_cadre', station: 'village', measure: 'household_share', period: 'month', target: 8, description: '驻村指导员每月走访不少于本村8%的农户' },
      { role: 'stationed_cadre', station: 'village', measure: 'all_households', period: 'year', target: 100, description: '驻村指导员每年走遍本村所有农户' },
      { role: 'village_cadre', station: null, measure: 'all_households', period: 'half_year', target: 100, description: '村干部每半年走遍本村所有农户' },
    ])
    .execute()

  await db.schema
    .createTable('visit_days')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('visit_days_region_date_uq', ['region_id', 'date'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['visit_days', 'visit_rules', 'diary_comments', 'diary_concerns', 'diary_photos', 'diary_entries']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
