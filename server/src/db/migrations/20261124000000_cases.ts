import { type Kysely, sql } from 'kysely'
import { TOP_CATEGORIES } from '@minqing/common'

// The closed loop: categories and routing rules, cases and their events (the timeline is the audit trail),
// case files, notifications. (Case numbers come from one sequence per day, created on first use.)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('categories')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('categories.id'))
    .addColumn('default_level', 'text', (c) => c.notNull().check(sql`default_level in ('grid', 'village', 'town', 'county')`))
    .addColumn('default_unit_id', 'uuid', (c) => c.references('units.id').onDelete('set null'))
    .addColumn('normal_days', 'integer', (c) => c.notNull())
    .addColumn('urgent_days', 'integer', (c) => c.notNull())
    .addColumn('emergency_hours', 'integer', (c) => c.notNull())
    .addColumn('keywords', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  // Default taxonomy: the 13 top-level codes and common sub-categories, with levels and limits.
  const top: Record<string, [string, string, number, number, number, string[]][]> = {
    traffic: [
      ['traffic.road', '道路破损', 10, 5, 24, ['路面', '坑洼', '破损']],
      ['traffic.streetlight', '路灯故障', 5, 3, 24, ['路灯', '不亮']],
      ['traffic.parking', '乱停车', 5, 3, 12, ['停车', '占道']],
    ],
    housing: [
      ['housing.repair', '房屋维修', 10, 5, 24, ['漏水', '房屋']],
      ['housing.property', '物业服务', 10, 5, 24, ['物业']],
      ['housing.danger', '危旧房', 10, 3, 12, ['危房']],
    ],
    environment: [
      ['environment.garbage', '垃圾清运', 3, 2, 12, ['垃圾', '清运']],
      ['environment.sewage', '污水排放', 5, 3, 12, ['污水', '臭']],
      ['environment.noise', '噪声扰民', 5, 3, 12, ['噪声', '噪音']],
    ],
    utilities: [
      ['utilities.water', '供水', 3, 2, 8, ['停水', '水压']],
      ['utilities.power', '供电', 3, 2, 8, ['停电', '电线']],
      ['utilities.gas', '燃气', 3, 1, 4, ['燃气', '煤气']],
    ],
    agriculture: [
      ['agriculture.irrigation', '农田水利', 10, 5, 24, ['灌溉', '水渠']],
      ['agriculture.land', '土地承包', 15, 10, 48, ['承包', '土地']],
    ],
    dispute: [
      ['dispute.neighbor', '邻里纠纷', 10, 5, 24, ['邻里', '吵架']],
      ['dispute.family', '家庭纠纷', 10, 5, 24, ['家庭', '赡养']],
      ['dispute.land', '土地纠纷', 15, 10, 48, ['宅基地', '地界']],
    ],
    welfare: [
      ['welfare.elderly', '养老服务', 10, 5, 24, ['老人', '养老']],
      ['welfare.assistance', '社会救助', 10, 5, 24, ['低保', '救助']],
    ],
    health: [
      ['health.medical', '就医服务', 10, 5, 24, ['看病', '医院']],
      ['health.epidemic', '疫情防控', 5, 2, 4, ['疫情', '传染']],
    ],
    education: [
      ['education.school', '入学就学', 10, 5, 24, ['入学', '学校']],
      ['education.minor', '未成年人保护', 5, 2, 8, ['留守儿童', '未成年']],
    ],
    enterprise: [
      ['enterprise.service', '惠企服务', 10, 5, 24, ['企业', '政策']],
      ['enterprise.approval', '审批办证', 10, 5, 24, ['审批', '办证']],
    ],
    labor: [
      ['labor.wage', '欠薪讨薪', 10, 5, 24, ['工资', '欠薪']],
      ['labor.jobs', '就业创业', 15, 10, 48, ['就业', '招工']],
    ],
    safety: [
      ['safety.public', '治安隐患', 5, 2, 4, ['治安', '偷盗']],
      ['safety.fire', '消防安全', 3, 1, 2, ['消防', '火灾']],
      ['safety.fraud', '电信诈骗', 5, 2, 4, ['诈骗']],
    ],
    other: [
      ['other.consult', '政策咨询', 10, 5, 24, ['咨询']],
      ['other.suggestion', '意见建议', 15, 10, 48, ['建议']],
    ],
  }
  const topLevel: Record<string, string> = { dispute: 'village', welfare: 'village', agriculture: 'village', enterprise: 'town', labor: 'town', housing: 'town', health: 'town', education: 'town' }
  let sort = 0
  for (const [code, name] of TOP_CATEGORIES) {
    const parent = await db
      .insertInto('categories')
      .values({ code, name, default_level: topLevel[code] ?? 'village', normal_days: 10, urgent_days: 5, emergency_hours: 24, sort: (sort += 10) })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const [sub, subName, n, u, e, keywords] of top[code] ?? []) {
      await db
        .insertInto('categories')
        .values({
          code: sub,
          name: subName,
          parent_id: parent.id,
          default_level: topLevel[code] ?? 'village',
          normal_days: n,
          urgent_days: u,
          emergency_hours: e,
          keywords: sql`${sql.val(keywords)}::text[]`,
          sort: (sort += 1),
        })
        .execute()
    }
  }

  await db.schema
    .createTable('routing_rules')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('category_id', 'integer', (c) => c.notNull().references('categories.id').onDelete('cascade'))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id').onDelete('cascade'))
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('grid', 'village', 'town', 'county')`))
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id').onDelete('set null'))
    .addUniqueConstraint('routing_rules_uq', ['category_id', 'region_id'])
    .execute()

  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('grid', 'village', 'town', 'county')`))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('regions.id'))
    .addColumn('category_id', 'integer', (c) => c.references('categories.id'))
    .addColumn('urgency', 'text', (c) => c.notNull().defaultTo('normal'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('reporter_kind', 'text', (c) => c.notNull())
    .addColumn('reporter_person_id', 'uuid', (c) => c.references('persons.id').onDelete('set null'))
    .addColumn('reporter_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reporter_name', 'text')
    .addColumn('reporter_phone_enc', 'text')
    .addColumn('reporter_phone_hash', 'text')
    .addColumn('reporter_phone_masked', 'text')
    .addColumn('tracking_code', 'text', (c) => c.unique())
    .addColumn('lat', 'double precision')
    .addColumn('lng', 'double precision')
    .addColumn('unit_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('handler_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('dispatched_by_level', 'text')
    .addColumn('suggested_unit_id', 'uuid', (c) => c.references('units.id'))
    .addColumn('due_at', 'timestamptz')
    .addColumn('warn_at', 'timestamptz')
    .addColumn('accept_due_at', 'timestamptz')
    .addColumn('warned_at', 'timestamptz')
    .addColumn('overdue_at', 'timestamptz')
    .addColumn('paused_at', 'timestamptz')
    .addColumn('extension_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pending_extension_days', 'integer')
    .addColumn('supervision', 'text')
    .addColumn('claimed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('merged_into', 'uuid', (c) => c.references('cases.id'))
    .addColumn('rating', 'text')
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('diary_entry_id', 'uuid', (c) => c.references('diary_entries.id').onDelete('set null'))
    .addColumn('replied_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await sql`create unique index cases_client_uq on cases (created_by, client_id) where client_id is not null`.execute(db)
  await db.schema.createIndex('cases_region_state_idx').on('cases').columns(['region_id', 'state', 'created_at']).execute()
  await db.schema.createIndex('cases_unit_state_idx').on('cases').columns(['unit_id', 'state']).execute()
  await sql`create index cases_handler_idx on cases (handler_id, state) where handler_id is not null`.execute(db)
  await sql`create index cases_claimed_idx on cases (claimed_by, state) where claimed_by is not null`.execute(db)
  await sql`create index cases_due_idx on cases (due_at) where state in ('dispatched', 'accepted', 'extension_requested', 'returned')`.execute(db)
  await sql`alter table diary_concerns add constraint diary_concerns_case_fk foreign key (case_id) references cases(id) on delete set null`.execute(db)

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('note', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute()
  await db.schema.createIndex('case_events_case_idx').on('case_events').columns(['case_id', 'id']).execute()

  await db.schema
    .createTable('case_files')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (c) => c.references('case_events.id'))
    .addColumn('file_id', 'uuid', (c) => c.notNull().references('files.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('case_id', 'uuid', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('read_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'created_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table diary_concerns drop constraint if exists diary_concerns_case_fk`.execute(db)
  for (const t of ['notifications', 'case_files', 'case_events', 'cases', 'routing_rules', 'categories']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
