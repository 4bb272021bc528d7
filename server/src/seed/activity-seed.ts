import { maskPhone, type Role } from '@minqing/common'
import { sql, type Insertable, type Kysely } from 'kysely'
import type { DB } from '../db/types.ts'
import { FieldCrypto } from '../platform/crypto.ts'
import { hashPassword } from '../platform/passwords.ts'
import { cnDate } from '../platform/workdays.ts'
import { ARCHIVE_DEMO_VILLAGES } from './archive-demo.ts'
import { ENTERPRISE_NAMES } from './activity-templates.ts'
import { villagePlace } from './places.ts'
import { ACTIVITY_SEED, type ActivityWorld, type DiaryWorld, type GenCase, type GenDiary, type WorldUnit, contentHash, generateCases, generateDiary, prng } from './activity.ts'

// Writes the generated year (activity.ts) into the demo database in bulk: staff accounts for every town, village
// and grid (so each step of a case has a plausible actor), a 文化礼堂 with its 民情码 per village, enterprises per
// town, then cases, their timeline rows (in time order, so event ids follow time) and diary entries, in
// multi-row inserts of a few hundred rows, one transaction per batch. No service calls: it must stay quick.

export const DEMO_ACTIVITY_CASES = 3000
const SETTINGS_KEY = 'demo_activity'
const CASE_BATCH = 400
const ROW_BATCH = 1000

/** Generated staff: 1770683NNNN (they sign in with the demo password, like the six demo logins). */
const staffPhone = (n: number) => `1770683${String(n).padStart(4, '0')}`
const STAFF_NAMES = '俞王张钱周金裘马黄李吕丁袁邢竺尹宋郑陈楼魏胡徐'
const STAFF_GIVEN = ['建军', '丽娟', '国平', '晓燕', '志刚', '海英', '伟东', '素芬', '建华', '红梅', '立峰', '雪芳', '明', '洁', '斌', '琳']

const DEPARTMENT_OF: Record<string, string> = {
  traffic: '嵊州市交通运输局',
  housing: '嵊州市住房和城乡建设局',
  environment: '嵊州市综合行政执法局',
  utilities: '嵊州市水务集团',
  agriculture: '嵊州市农业农村局',
  dispute: '嵊州市民情办',
  welfare: '嵊州市民政局',
  health: '嵊州市卫生健康局',
  education: '嵊州市教育体育局',
  enterprise: '嵊州市市场监督管理局',
  labor: '嵊州市人力资源和社会保障局',
  safety: '嵊州市公安局',
  other: '嵊州市民情办',
}

/** `seed --year 2026 --cases 5000` (also `--year=2026`); anything else is refused with the reason. */
export function parseSeedArgs(args: string[]): { year?: number; cases?: number } {
  const out: { year?: number; cases?: number } = {}
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2)
    if (flag !== '--year' && flag !== '--cases') throw new Error(`seed: unknown option ${args[i]} (seed [--year YYYY] [--cases N])`)
    const value = inline ?? args[++i]
    const n = Number(value)
    if (value === undefined || value === '' || !Number.isInteger(n) || (flag === '--year' ? n < 2000 || n > 2100 : n < 1 || n > 2_000_000))
      throw new Error(`seed: ${flag} needs ${flag === '--year' ? 'a year (2000–2100)' : 'a whole number of cases (1–2,000,000)'}, got ${value ?? 'nothing'}`)
    out[flag === '--year' ? 'year' : 'cases'] = n
  }
  return out
}

export interface ActivityResult {
  year: number
  run: number
  cases: number
  events: number
  diary: number
  /** Households (each with its head) added in villages the archive demo leaves empty. */
  households: number
  staff: number
  places: number
  enterprises: number
  ms: number
  /** Milliseconds per phase: world (staff, places, enterprises), generate, cases, events, diary. */
  phases: Record<string, number>
}

interface Runs {
  runs: { year: number; cases: number; seed: number; at: string }[]
}

/**
 * Adds a generated year of activity. The first run of a year also adds staff, places, enterprises and diary
 * entries; a later run of the same year adds `cases` more cases (another seed, numbers after the ones there).
 */
export async function seedActivity(
  db: Kysely<DB>,
  opts: {
    year?: number
    cases?: number
    now?: Date
    secret?: string
    /** start later than 1 January (tests: a dense month) */
    from?: Date
    /** do nothing when the year has a run already (a plain `seed`, or a first start) */
    once?: boolean
  } = {},
): Promise<ActivityResult | null> {
  const started = performance.now()
  const now = opts.now ?? new Date()
  const year = opts.year ?? Number(cnDate(now).slice(0, 4))
  const yearStart = new Date(`${year}-01-01T00:00:00+08:00`)
  const from = opts.from && opts.from > yearStart ? opts.from : yearStart
  const yearEnd = new Date(`${year + 1}-01-01T00:00:00+08:00`)
  if (from >= now) throw new Error(`year ${year} has not begun: nothing to generate`)
  const to = yearEnd < now ? yearEnd : now
  const count = opts.cases ?? DEMO_ACTIVITY_CASES
  const crypto = opts.secret ? new FieldCrypto(opts.secret) : null

  const settings = await db.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst()
  const runs: Runs = settings ? (typeof settings.value === 'string' ? JSON.parse(settings.value) : (settings.value as unknown as Runs)) : { runs: [] }
  const run = runs.runs.filter((x) => x.year === year).length
  if (run > 0 && opts.once) return null
  const seed = ACTIVITY_SEED + (year - 2026) * 1000 + run

  const phases: Record<string, number> = {}
  let mark = performance.now()
  const lap = (name: string) => {
    const t = performance.now()
    phases[name] = Math.round(t - mark)
    mark = t
  }
  const { world, staff, places, enterprises } = await buildWorld(db)
  lap('world')

  const numbersUsed = new Map<string, number>()
  const used = await sql<{ day: string; n: number }>`
    select substr(number, 4, 8) as day, max(split_part(number, '-', 3)::int)::int as n from cases
    where number like ${`MQ-${year}%`} group by 1`.execute(db)
  for (const u of used.rows) numbersUsed.set(u.day, u.n)

  const { cases, events } = generateCases(world, { seed, cases: count, from, to, numbersUsed })
  lap('generate')
  // 民情日记 → 事项: a diary-channel case comes from its raiser's entry a few minutes earlier, whose concern it is.
  const fromDiary = diaryOrigins(cases, seed)
  for (let i = 0; i < fromDiary.entries.length; i += ROW_BATCH) {
    const rows = fromDiary.entries.slice(i, i + ROW_BATCH)
    await db.transaction().execute((trx) =>
      trx
        .insertInto('diary_entries')
        .values(rows.map((d) => ({ ...d, created_at: d.occurred_at })))
        .execute(),
    )
  }
  for (let i = 0; i < cases.length; i += CASE_BATCH) {
    const rows = cases.slice(i, i + CASE_BATCH).map((c) => caseRow(c, crypto))
    await db.transaction().execute((trx) => trx.insertInto('cases').values(rows).execute())
  }
  for (let i = 0; i < fromDiary.concerns.length; i += ROW_BATCH) {
    const rows = fromDiary.concerns.slice(i, i + ROW_BATCH)
    await db.transaction().execute((trx) => trx.insertInto('diary_concerns').values(rows).execute())
  }
  lap('cases')
  // Time order: event ids then follow the clock, as they would have had the year really happened.
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i)
  for (let i = 0; i < ordered.length; i += ROW_BATCH) {
    const rows = ordered.slice(i, i + ROW_BATCH).map(({ e }) => ({ ...e, data: JSON.stringify(e.data) }))
    await db.transaction().execute((trx) => trx.insertInto('case_events').values(rows).execute())
  }
  lap('events')
  // Today's numbers continue after the generated ones.
  const today = cnDate(now).replaceAll('-', '')
  const todays = cases.filter((c) => c.number.slice(3, 11) === today).length
  if (todays) {
    const seq = sql.raw(`case_no_${today}`)
    const max = Math.max(...cases.filter((c) => c.number.slice(3, 11) === today).map((c) => Number(c.number.split('-')[2])))
    await sql`create sequence if not exists ${seq}`.execute(db)
    await sql`select setval(${`case_no_${today}`}::regclass, greatest(${max}::bigint, (select case when is_called then last_value else 0 end from ${seq})))`.execute(db)
  }

  let diary = fromDiary.entries.length
  let households = 0
  if (run === 0) {
    households = await seedVillageHouseholds(db, world, seed)
    lap('households')
    const entries = generateDiary(await diaryWorld(db, world, enterprises.rows), { seed, from, to })
    for (let i = 0; i < entries.length; i += ROW_BATCH) {
      const rows = entries.slice(i, i + ROW_BATCH)
      await db.transaction().execute((trx) =>
        trx
          .insertInto('diary_entries')
          .values(rows.map((d) => ({ ...d, created_at: d.occurred_at })))
          .execute(),
      )
    }
    diary += entries.length
    lap('diary')
  }

  runs.runs.push({ year, cases: cases.length, seed, at: now.toISOString() })
  await db
    .insertInto('settings')
    .values({ key: SETTINGS_KEY, value: JSON.stringify(runs) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: new Date() }))
    .execute()
  return { year, run, cases: cases.length, events: events.length, diary, households, staff, places, enterprises: enterprises.inserted, ms: Math.round(performance.now() - started), phases }
}

/** Households per village outside 雅璜村 and 王院村 (which hold the full archive demo). */
export const HOUSEHOLDS_PER_OTHER_VILLAGE = 10

/**
 * A few households (each with its head) in every village without any, so visits and visit coverage have
 * something to count county-wide. The full families with ID numbers stay in the archive demo's two villages.
 */
async function seedVillageHouseholds(db: Kysely<DB>, world: ActivityWorld, seed: number): Promise<number> {
  const filled = new Set(
    (
      await sql<{ code: string }>`select distinct v.code from households h join regions r on r.id = h.region_id join regions v on r.path like v.path || '%' and v.level = 'village'`.execute(db)
    ).rows.map((x) => x.code),
  )
  const r = prng(seed + 2)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
  }
  const hamlets = ['上宅', '下宅', '前村', '后村', '溪边', '新屋', '塘头', '岭下', '竹园', '大路']
  const homes: Insertable<DB['households']>[] = []
  const heads: Insertable<DB['persons']>[] = []
  for (const t of world.towns)
    for (const v of t.villages) {
      if (filled.has(v.code)) continue
      const numbers = new Map<string, number>()
      for (let i = 0; i < HOUSEHOLDS_PER_OTHER_VILLAGE; i++) {
        const hamlet = pick(hamlets)
        const no = (numbers.get(hamlet) ?? 0) + 1 + Math.floor(r() * 3)
        numbers.set(hamlet, no)
        const grid = v.grids[i % v.grids.length]
        const id = uuid()
        const male = r() < 0.7
        const age = 30 + Math.floor(r() * 55)
        homes.push({ id, region_id: grid.id, address: `${v.name}${hamlet}${no}号`, lat: v.lat + (r() - 0.5) * 0.008, lng: v.lng + (r() - 0.5) * 0.008 })
        heads.push({
          id: uuid(),
          household_id: id,
          region_id: grid.id,
          name: pick([...STAFF_NAMES]) + pick(male ? ['国良', '永根', '建华', '志强', '立新', '海军'] : ['秀英', '桂英', '美娟', '丽萍', '月仙', '海燕']),
          gender: male ? 'male' : 'female',
          birth_date: `${2025 - age}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`,
          relation: '户主',
          political_status: r() < 0.1 ? '中共党员' : '群众',
          health: age >= 60 ? pick(['健康', '慢性病(高血压)', '良好']) : '健康',
        })
      }
    }
  for (let i = 0; i < homes.length; i += ROW_BATCH) {
    const hs = homes.slice(i, i + ROW_BATCH)
    const ps = heads.slice(i, i + ROW_BATCH)
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('households').values(hs).execute()
      await trx.insertInto('persons').values(ps).execute()
      await sql`update households h set head_person_id = p.id from persons p where p.household_id = h.id and h.id = any(${hs.map((h) => h.id)}::uuid[])`.execute(trx)
    })
  }
  return homes.length
}

/** The diary entries (and their concerns) the diary-channel cases were raised from; sets the cases' diary_entry_id. */
function diaryOrigins(cases: (GenCase & { diary_entry_id?: string })[], seed: number) {
  const r = prng(seed + 3)
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
  }
  const entries: GenDiary[] = []
  const concerns: Insertable<DB['diary_concerns']>[] = []
  for (const c of cases) {
    if (c.channel !== 'diary' || !c.created_by) continue
    const id = uuid()
    const text = `${c.address ?? ''}走访时群众反映:${c.description}`
    entries.push({
      id,
      client_id: `demo-case-${id.slice(0, 13)}`,
      content_hash: contentHash(text),
      kind: c.address?.includes('社区') ? 'community' : 'village',
      author_id: c.created_by,
      region_id: c.region_id,
      household_id: null,
      enterprise_id: null,
      occurred_at: new Date(c.created_at.getTime() - (5 + Math.floor(r() * 40)) * 60_000),
      text,
      lat: c.lat,
      lng: c.lng,
      location_source: c.lat === null ? 'none' : 'device',
    })
    concerns.push({ id: uuid(), entry_id: id, position: 0, text: c.title, case_id: c.id })
    c.diary_entry_id = id
  }
  return { entries, concerns }
}

function caseRow(c: GenCase, crypto: FieldCrypto | null): Insertable<DB['cases']> {
  const { reporter_phone, ...rest } = c
  const phone = crypto && reporter_phone ? crypto.protect(reporter_phone, maskPhone) : { enc: null, hash: null, masked: null }
  return { ...rest, reporter_phone_enc: phone.enc, reporter_phone_hash: phone.hash, reporter_phone_masked: phone.masked }
}

/** The county as the generator sees it, with the staff, places and enterprises it needs (added when missing). */
export async function buildWorld(db: Kysely<DB>) {
  const regions = await db.selectFrom('regions').select(['id', 'code', 'name', 'level', 'parent_id']).where('path', 'like', '%/330683/%').orderBy('code').execute()
  if (!regions.length) throw new Error('the 嵊州 regions are missing: run the demo seed first')
  const county = regions.find((r) => r.code === '330683')!
  const units = await db.selectFrom('units').select(['id', 'name', 'region_id', 'kind']).execute()
  const unitAt = (regionId: number, kind: string) => units.find((u) => u.region_id === regionId && u.kind === kind)
  const demo = new Map((await db.selectFrom('users').select(['id', 'phone', 'name', 'unit_id']).where('phone', 'like', '1380000000%').execute()).map((u) => [u.phone, u]))
  const leader = demo.get('13800000001')
  if (!leader) throw new Error('the demo logins are missing: run the demo seed first')

  const towns = regions.filter((r) => r.level === 'town')
  const villages = regions.filter((r) => r.level === 'village')
  const grids = regions.filter((r) => r.level === 'grid')
  const deptNames = [...new Set(Object.values(DEPARTMENT_OF))]
  const depts = new Map(deptNames.map((n) => [n, units.find((u) => u.name === n && u.region_id === county.id)]))

  // Staff accounts: 民情办 dispatcher, one handler per department, one per town office (石璜镇: 周海燕), a
  // 村干部 per village (雅璜村 and 王院村: their 驻村指导员), a 网格员 per grid.
  const r = prng(ACTIVITY_SEED)
  const name = () => STAFF_NAMES[Math.floor(r() * STAFF_NAMES.length)] + STAFF_GIVEN[Math.floor(r() * STAFF_GIVEN.length)]
  type StaffRow = { phone: string; name: string; roles: Role[]; region_id: number; unit_id: string | null }
  const want: StaffRow[] = [{ phone: staffPhone(0), name: name(), roles: ['town_handler'], region_id: county.id, unit_id: depts.get('嵊州市民情办')?.id ?? null }]
  deptNames.forEach((n, i) => want.push({ phone: staffPhone(1 + i), name: name(), roles: ['dept_handler'], region_id: county.id, unit_id: depts.get(n)?.id ?? null }))
  towns.forEach((t, i) => want.push({ phone: staffPhone(100 + i), name: name(), roles: ['town_handler'], region_id: t.id, unit_id: unitAt(t.id, 'town_office')?.id ?? null }))
  villages.forEach((v, i) => want.push({ phone: staffPhone(1000 + i), name: name(), roles: ['village_cadre'], region_id: v.id, unit_id: unitAt(v.id, 'village_committee')?.id ?? null }))
  grids.forEach((g, i) => want.push({ phone: staffPhone(3000 + i), name: name(), roles: ['grid_worker'], region_id: g.id, unit_id: unitAt(g.parent_id!, 'village_committee')?.id ?? null }))
  const hash = await hashPassword('minqing-demo')
  let staff = 0
  for (let i = 0; i < want.length; i += ROW_BATCH) {
    const rows = want.slice(i, i + ROW_BATCH).map((u) => ({ ...u, password_hash: hash }))
    const res = await db
      .insertInto('users')
      .values(rows)
      .onConflict((oc) => oc.column('phone').doNothing())
      .executeTakeFirst()
    staff += Number(res.numInsertedOrUpdatedRows ?? 0)
  }
  const byPhone = new Map((await db.selectFrom('users').select(['id', 'phone']).where('phone', 'like', '1770683%').execute()).map((u) => [u.phone, u.id]))
  const id = (n: number) => byPhone.get(staffPhone(n))!

  // A 文化礼堂 per village with its 民情码 (residents report from its poster).
  const placeRows = villages.map((v) => {
    const p = villagePlace(v.code)
    const q = prng(Number(v.code.slice(-6)))
    return {
      region_id: v.id,
      name: `${v.name}文化礼堂`,
      kind: 'culture_hall',
      address: `${v.name}村委会旁`,
      lat: p.lat,
      lng: p.lng,
      qr_code: 'P' + Array.from({ length: 8 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[Math.floor(q() * 32)]).join(''),
    }
  })
  const placeRes = await db
    .insertInto('places')
    .values(placeRows)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  const placeIds = new Map((await db.selectFrom('places').select(['id', 'region_id']).where('kind', '=', 'culture_hall').execute()).map((p) => [p.region_id, p.id]))

  // Enterprises: a few per town, in the county's trades (领带, 厨具, 电机, 茶叶, 香榧, 竹木).
  const entRows = towns.flatMap((t, ti) =>
    [0, 1, 2].map((k) => {
      const [word, industry] = ENTERPRISE_NAMES[(ti + k * 2) % ENTERPRISE_NAMES.length]
      const v = villages.filter((x) => x.parent_id === t.id)[k] ?? t
      return {
        region_id: v.id,
        name: `嵊州市${t.name.replace(/(镇|街道|乡)$/, '')}${['华', '兴', '丰'][k]}${word}有限公司`,
        credit_code: `91330683MA2${String(ti).padStart(2, '0')}${k}DEMO${String(ti * 3 + k).padStart(2, '0')}`.slice(0, 18),
        industry,
        size: (['small', 'micro', 'medium'] as const)[k],
        address: `${t.name}${v.name}工业区${k + 1}号`,
        cadre_user_id: id(100 + ti),
      }
    }),
  )
  const entRes = await db
    .insertInto('enterprises')
    .values(entRows)
    .onConflict((oc) => oc.column('credit_code').doNothing())
    .executeTakeFirst()
  const entList = await db.selectFrom('enterprises').select(['id', 'name', 'region_id', 'cadre_user_id']).where('credit_code', 'like', '91330683MA2%').execute()

  const special: Record<string, string | undefined> = {
    '330683105': demo.get('13800000002')?.id,
    '330683105212': demo.get('13800000003')?.id,
    '330683106220': demo.get('13800000004')?.id,
  }
  const unit = (u: { id: string; name: string } | undefined): WorldUnit => {
    if (!u) throw new Error('a demo unit is missing: run the demo seed first')
    return { id: u.id, name: u.name }
  }
  const world: ActivityWorld = {
    towns: towns.map((t, ti) => ({
      id: t.id,
      code: t.code,
      name: t.name,
      office: unit(unitAt(t.id, 'town_office')),
      handlerId: special[t.code] ?? id(100 + ti),
      villages: villages
        .filter((v) => v.parent_id === t.id)
        .map((v) => {
          const p = villagePlace(v.code)
          return {
            id: v.id,
            code: v.code,
            name: v.name,
            lat: p.lat,
            lng: p.lng,
            grids: grids.filter((g) => g.parent_id === v.id).map((g) => ({ id: g.id, code: g.code, workerId: id(3000 + grids.indexOf(g)) })),
            committee: unit(unitAt(v.id, 'village_committee')),
            cadreId: special[v.code] ?? id(1000 + villages.indexOf(v)),
            placeId: placeIds.get(v.id),
            // The demo logins' places are busier, so 俞建明, 张晓峰 and 周海燕 find work in their queues.
            weight: special[v.code] ? 10 : t.code === '330683105' ? 3 : 1,
          }
        }),
    })),
    categories: (
      await db
        .selectFrom('categories as c')
        .leftJoin('categories as p', 'p.id', 'c.parent_id')
        .select(['c.id', 'c.code', 'p.code as top', 'c.normal_days', 'c.urgent_days', 'c.emergency_hours'])
        .where('c.active', '=', true)
        .execute()
    )
      .filter((c) => c.top)
      .map((c) => ({ id: c.id, code: c.code, top: c.top!, normalDays: c.normal_days, urgentDays: c.urgent_days, emergencyHours: c.emergency_hours })),
    departments: Object.fromEntries(Object.entries(DEPARTMENT_OF).map(([top, n]) => [top, unit(depts.get(n))])),
    deptHandler: Object.fromEntries(Object.entries(DEPARTMENT_OF).map(([top, n]) => [top, id(1 + deptNames.indexOf(n))])),
    countyDispatcherId: id(0),
    leaderId: leader.id,
    leaderUnit: unit(units.find((u) => u.id === leader.unit_id) ?? depts.get('嵊州市民情办')),
  }
  return { world, staff, places: Number(placeRes.numInsertedOrUpdatedRows ?? 0), enterprises: { inserted: Number(entRes.numInsertedOrUpdatedRows ?? 0), rows: entList } }
}

/** Who visits whom: village cadres and 驻村指导员 their village's households, town handlers their enterprises. */
async function diaryWorld(db: Kysely<DB>, world: ActivityWorld, enterprises: { id: string; name: string; region_id: number; cadre_user_id: string | null }[]): Promise<DiaryWorld> {
  const households = await db
    .selectFrom('households as h')
    .innerJoin('regions as r', 'r.id', 'h.region_id')
    .select(['h.id', 'h.region_id', 'h.address', 'r.path'])
    .where('r.path', 'like', '%/330683/%')
    .execute()
  const archive = new Set(ARCHIVE_DEMO_VILLAGES.map((v) => v.code))
  const visitors: DiaryWorld['visitors'] = []
  for (const t of world.towns)
    for (const v of t.villages) {
      const hs = households.filter((h) => h.path.includes(`/${v.code}/`)).map((h) => ({ id: h.id, regionId: h.region_id, address: h.address }))
      const kind = v.name.endsWith('社区') ? 'community' : 'village'
      // 驻村指导员 of the archive villages: 8 % of 400 households a month and a little more; elsewhere the village
      // cadre's walks (no archive there yet) a few times a month.
      visitors.push({ authorId: v.cadreId, regionId: v.id, kind, lat: v.lat, lng: v.lng, households: hs, perMonth: archive.has(v.code) ? Math.max(35, Math.ceil(hs.length * 0.09)) : 1 })
      visitors.push({ authorId: v.grids[0].workerId, regionId: v.grids[0].id, kind, lat: v.lat, lng: v.lng, households: [], perMonth: 0.25 })
    }
  const byCadre = new Map<string, { id: string; name: string; regionId: number }[]>()
  for (const e of enterprises) if (e.cadre_user_id) byCadre.set(e.cadre_user_id, [...(byCadre.get(e.cadre_user_id) ?? []), { id: e.id, name: e.name, regionId: e.region_id }])
  return { visitors, enterpriseVisitors: [...byCadre].map(([authorId, es]) => ({ authorId, enterprises: es, perMonth: 4 })) }
}
