import type { Role, Station } from '@minqing/common'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/types.ts'
import { hashPassword } from '../platform/passwords.ts'
import { importCounty, loadBundled, loadCounty } from '../modules/regions/import.ts'
import { upsertRegions } from '../modules/regions/regions.repository.ts'
import { insertUnitsIfMissing } from '../modules/units/units.repository.ts'
import { insertUserIfMissing } from '../modules/users/users.repository.ts'
import { seedArchiveDemo } from './archive-demo.ts'
import { seedTeamsDemo } from './teams-demo.ts'
import { seedMeetingsDemo } from './meetings-demo.ts'
import { seedTasksDemo } from './tasks-demo.ts'

export const DEMO_COUNTY = '330683'
export const DEMO_PASSWORD = 'minqing-demo'

export interface DemoUser {
  phone: string
  name: string
  roles: Role[]
  regionCode: string
  /** Unit by name, looked up in the unit's region. */
  unit?: { name: string; regionCode: string }
  station?: Station
  isPartyMember?: boolean
  isYouthLeague?: boolean
  note: string
}

export const DEMO_USERS: DemoUser[] = [
  { phone: '13800000000', name: '系统管理员', roles: ['admin'], regionCode: '330683', unit: { name: '嵊州市民情办', regionCode: '330683' }, note: '管理员 · 嵊州市' },
  { phone: '13800000001', name: '钱立新', roles: ['leader'], regionCode: '330683', unit: { name: '嵊州市民情办', regionCode: '330683' }, note: '领导 · 嵊州市' },
  { phone: '13800000002', name: '周海燕', roles: ['town_handler'], regionCode: '330683105', unit: { name: '石璜镇人民政府', regionCode: '330683105' }, note: '镇街办理人 · 石璜镇' },
  {
    phone: '13800000003',
    name: '俞建明',
    roles: ['stationed_cadre'],
    station: 'village',
    regionCode: '330683105212',
    unit: { name: '石璜镇人民政府', regionCode: '330683105' },
    note: '驻村指导员 · 雅璜村',
  },
  {
    phone: '13800000004',
    name: '张晓峰',
    roles: ['stationed_cadre'],
    station: 'village',
    regionCode: '330683106220',
    unit: { name: '谷来镇人民政府', regionCode: '330683106' },
    note: '驻村指导员 · 王院村',
  },
  { phone: '13800000005', name: '金雨婷', roles: ['volunteer'], isPartyMember: true, isYouthLeague: true, regionCode: '330683003006', note: '志愿者(党员、团员) · 长宁社区' },
]

/** County departments and partner units that cases are dispatched to. */
const COUNTY_UNITS: { name: string; kind: 'department' | 'partner' }[] = [
  { name: '嵊州市民情办', kind: 'department' },
  { name: '嵊州市住房和城乡建设局', kind: 'department' },
  { name: '嵊州市交通运输局', kind: 'department' },
  { name: '嵊州市农业农村局', kind: 'department' },
  { name: '嵊州市民政局', kind: 'department' },
  { name: '嵊州市卫生健康局', kind: 'department' },
  { name: '嵊州市教育体育局', kind: 'department' },
  { name: '嵊州市人力资源和社会保障局', kind: 'department' },
  { name: '嵊州市公安局', kind: 'department' },
  { name: '嵊州市市场监督管理局', kind: 'department' },
  { name: '嵊州市综合行政执法局', kind: 'department' },
  { name: '绍兴市生态环境局嵊州分局', kind: 'department' },
  { name: '嵊州市水务集团', kind: 'partner' },
  { name: '国网嵊州市供电公司', kind: 'partner' },
  { name: '嵊州市燃气有限公司', kind: 'partner' },
]

const GRID_NAMES = ['第一网格', '第二网格']

const townOfficeName = (townName: string) => (townName.endsWith('街道') ? `${townName}办事处` : `${townName}人民政府`)

export interface SeedResult {
  regions: { inserted: number; updated: number }
  grids: { inserted: number; updated: number }
  units: number
  users: number
}

/**
 * The 嵊州 demo: the county's 15 towns/streets and 304 villages/communities from the bundled division file,
 * two grids per village, units (departments, town offices, village committees) and the six demo logins.
 * Idempotent: running it again adds only what is missing.
 */
export async function seedDemo(db: Kysely<DB>, opts: { production?: boolean; secret?: string } = {}): Promise<SeedResult> {
  if (opts.production) throw new Error('the demo seed is refused when NODE_ENV=production')
  const division = loadBundled(DEMO_COUNTY) ?? loadCounty(DEMO_COUNTY)
  const regions = await importCounty(db, division)
  const villages = division.towns.flatMap((t) => t.villages)
  const grids = await db.transaction().execute((trx) =>
    upsertRegions(
      trx,
      villages.flatMap((v) => GRID_NAMES.map((name, i) => ({ code: v.code + String(i + 1).padStart(3, '0'), name, level: 'grid' as const, parentCode: v.code }))),
    ),
  )

  const idOf = new Map((await db.selectFrom('regions').select(['id', 'code']).where('path', 'like', `%/${DEMO_COUNTY}/%`).execute()).map((r) => [r.code, r.id]))
  const county = idOf.get(DEMO_COUNTY)!
  const units = await insertUnitsIfMissing(db, [
    ...COUNTY_UNITS.map((u) => ({ ...u, regionId: county })),
    ...division.towns.map((t) => ({ name: townOfficeName(t.name), kind: 'town_office' as const, regionId: idOf.get(t.code)! })),
    ...villages.map((v) => ({ name: v.name, kind: 'village_committee' as const, regionId: idOf.get(v.code)! })),
  ])

  let users = 0
  for (const u of DEMO_USERS) {
    const unit = u.unit ? await db.selectFrom('units').select('id').where('name', '=', u.unit.name).where('region_id', '=', idOf.get(u.unit.regionCode)!).executeTakeFirst() : undefined
    const res = await insertUserIfMissing(db, {
      phone: u.phone,
      name: u.name,
      password_hash: await hashPassword(DEMO_PASSWORD),
      roles: u.roles,
      region_id: idOf.get(u.regionCode)!,
      unit_id: unit?.id ?? null,
      station: u.station ?? null,
      is_party_member: u.isPartyMember ?? false,
      is_youth_league: u.isYouthLeague ?? false,
      residence_region_id: u.roles.includes('volunteer') ? idOf.get(u.regionCode)! : null,
    })
    if (res.inserted) users++
  }
  // 县级值班 (issue 14): 钱立新 stands duty on the demo's days (30 back, 60 ahead), so urgent cases and alerts reach him.
  const onDuty = await db.selectFrom('users').select('id').where('phone', '=', '13800000001').executeTakeFirst()
  if (onDuty) {
    const days = Array.from({ length: 91 }, (_, i) => new Date(Date.now() + 8 * 3600_000 + (i - 30) * 86_400_000).toISOString().slice(0, 10))
    await db
      .insertInto('duty_roster')
      .values(days.map((day) => ({ county_id: county, day, user_id: onDuty.id, created_by: null })))
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
  await db
    .insertInto('settings')
    .values({ key: 'demo_seeded', value: JSON.stringify({ county: DEMO_COUNTY, at: new Date().toISOString() }) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: sql`now()` as any }))
    .execute()
  if (opts.secret) await seedArchiveDemo(db, opts.secret)
  // 志愿队伍, rotas, activities and a ledger (issue 15), once.
  await seedTeamsDemo(db, DEMO_PASSWORD)
  // 民情分析会 with decisions and a 契约化共建 pact (issue 16), once.
  await seedMeetingsDemo(db)
  // 先锋任务 in 长宁社区: two to grab, two that 金雨婷 did (issue 15), once.
  await seedTasksDemo(db)
  return { regions, grids, units, users }
}

export async function isDemoSeeded(db: Kysely<DB>): Promise<boolean> {
  return !!(await db.selectFrom('settings').select('key').where('key', '=', 'demo_seeded').executeTakeFirst())
}

export function demoLoginsText(): string {
  const lines = DEMO_USERS.map((u) => `  ${u.phone}  ${u.note}`)
  return [`演示账号 Demo logins (password / 密码: ${DEMO_PASSWORD}):`, ...lines].join('\n')
}
