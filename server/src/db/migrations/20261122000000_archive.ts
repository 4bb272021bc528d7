import { type Kysely, sql } from 'kysely'

// 民情档案: households (户), persons (人), enterprises (企业), places (场所), tags, documents, change history,
// import jobs. Personal identifiers (ID numbers, phones) are stored encrypted (`*_enc`), with a keyed hash
// (`*_hash`) for exact search and a masked copy (`*_masked`) for display; the clear text is never stored.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tags')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('applies_to', 'text', (c) => c.notNull().check(sql`applies_to in ('person', 'household', 'both')`))
    .addColumn('color', 'text')
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('builtin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  // The catalogue the seeds name (一老一小、在外学子、专业人才、救助对象 …); admins add more.
  const catalogue: [string, string, 'person' | 'household' | 'both', string][] = [
    ['yilao_yixiao', '一老一小', 'household', '#e6a23c'],
    ['alone_elderly', '独居老人', 'person', '#f56c6c'],
    ['left_behind_child', '留守儿童', 'person', '#f89898'],
    ['student_away', '在外学子', 'person', '#409eff'],
    ['talent', '专业人才', 'person', '#67c23a'],
    ['assistance', '救助对象', 'both', '#c45656'],
    ['dibao', '低保户', 'household', '#b88230'],
    ['disabled', '残疾人', 'person', '#909399'],
    ['veteran', '退役军人', 'person', '#337ecc'],
    ['party_member', '党员', 'person', '#c8102e'],
  ]
  await db
    .insertInto('tags')
    .values(catalogue.map(([code, name, applies_to, color], i) => ({ code, name, applies_to, color, sort: (i + 1) * 10, builtin: true })))
    .execute()

  await db.schema
    .createTable('households')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('head_person_id', 'uuid')
    .addColumn('phone_enc', 'text')
    .addColumn('phone_hash', 'text')
    .addColumn('phone_masked', 'text')
    .addColumn('house', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('notes', 'text')
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The natural key imports are idempotent by: one household per address within a village/grid.
    .addUniqueConstraint('households_region_address_uq', ['region_id', 'address'])
    .execute()
  await db.schema.createIndex('households_phone_hash_idx').on('households').column('phone_hash').execute()

  await db.schema
    .createTable('persons')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('household_id', 'uuid', (c) => c.references('households.id').onDelete('set null'))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.check(sql`gender in ('male', 'female')`))
    .addColumn('birth_date', 'date')
    .addColumn('id_enc', 'text')
    .addColumn('id_hash', 'text', (c) => c.unique())
    .addColumn('id_masked', 'text')
    .addColumn('phone_enc', 'text')
    .addColumn('phone_hash', 'text')
    .addColumn('phone_masked', 'text')
    .addColumn('relation', 'text')
    .addColumn('political_status', 'text')
    .addColumn('health', 'text')
    .addColumn('children_in_city', 'boolean')
    .addColumn('workplace', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('persons_household_idx').on('persons').column('household_id').execute()
  await db.schema.createIndex('persons_region_idx').on('persons').columns(['region_id', 'name']).execute()
  await db.schema.createIndex('persons_phone_hash_idx').on('persons').column('phone_hash').execute()
  await sql`alter table households add constraint households_head_fk foreign key (head_person_id) references persons(id) on delete set null`.execute(db)

  for (const [table, owner] of [
    ['person_tags', 'person_id'],
    ['household_tags', 'household_id'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn(owner, 'uuid', (c) =>
        c
          .notNull()
          .references(`${owner === 'person_id' ? 'persons' : 'households'}.id`)
          .onDelete('cascade'),
      )
      .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
      .addPrimaryKeyConstraint(`${table}_pk`, [owner, 'tag_id'])
      .execute()
    await db.schema.createIndex(`${table}_tag_idx`).on(table).columns(['tag_id', owner]).execute()
  }

  await db.schema
    .createTable('enterprises')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('credit_code', 'text', (c) => c.notNull().unique())
    .addColumn('industry', 'text')
    .addColumn('size', 'text', (c) => c.check(sql`size in ('micro', 'small', 'medium', 'large')`))
    .addColumn('address', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone_enc', 'text')
    .addColumn('contact_phone_hash', 'text')
    .addColumn('contact_phone_masked', 'text')
    .addColumn('cadre_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('notes', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('enterprises_region_idx').on('enterprises').column('region_id').execute()
  // 一企一专班: the enterprise's service team.
  await db.schema
    .createTable('enterprise_team')
    .addColumn('enterprise_id', 'uuid', (c) => c.notNull().references('enterprises.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('duty', 'text')
    .addPrimaryKeyConstraint('enterprise_team_pk', ['enterprise_id', 'user_id'])
    .execute()

  await db.schema
    .createTable('places')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('places_region_name_uq', ['region_id', 'name'])
    .execute()

  await db.schema
    .createTable('documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('owner_type', 'text', (c) => c.notNull().check(sql`owner_type in ('household', 'person')`))
    .addColumn('owner_id', 'uuid', (c) => c.notNull())
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('file_id', 'uuid', (c) => c.notNull().references('files.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('documents_owner_idx').on('documents').columns(['owner_type', 'owner_id']).execute()

  // Every change to a household or person: who, when, and field by field old → new (identifiers masked).
  await db.schema
    .createTable('archive_history')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'uuid', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('changes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute()
  await db.schema.createIndex('archive_history_entity_idx').on('archive_history').columns(['entity_type', 'entity_id', 'at']).execute()

  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'running', 'done', 'failed')`))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('file_id', 'uuid', (c) => c.references('files.id'))
    .addColumn('options', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('total_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('result', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('report_file_id', 'uuid', (c) => c.references('files.id'))
    .addColumn('error', 'text')
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table households drop constraint if exists households_head_fk`.execute(db)
  for (const t of ['import_jobs', 'archive_history', 'documents', 'places', 'enterprise_team', 'enterprises', 'household_tags', 'person_tags', 'persons', 'households', 'tags']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
