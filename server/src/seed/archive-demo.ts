import { withIdCheck } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../db/types.ts'
import { FieldCrypto } from '../platform/crypto.ts'
import { type FieldRow, HouseholdImporter, type ImportCounts } from '../modules/imports/imports.engine.ts'
import { ensureTags, regionsUnder } from '../modules/imports/imports.repository.ts'
import { CHUNK_ROWS } from '../modules/imports/imports.runner.ts'

// 民情档案 demo: about 400 households in each of 雅璜村 and 王院村, made of plausible families, loaded through
// the import's own bulk path. Deterministic (seeded PRNG), so tests may count on its figures.

/** The tag catalogue the demo uses; added when missing (the archive migration normally has it). */
export const TAG_CATALOGUE = [
  { code: 'yilao_yixiao', name: '一老一小', applies_to: 'household', color: '#e6a23c', sort: 10 },
  { code: 'alone_elderly', name: '独居老人', applies_to: 'person', color: '#f56c6c', sort: 20 },
  { code: 'left_behind_child', name: '留守儿童', applies_to: 'person', color: '#f89898', sort: 30 },
  { code: 'student_away', name: '在外学子', applies_to: 'person', color: '#409eff', sort: 40 },
  { code: 'talent', name: '专业人才', applies_to: 'person', color: '#67c23a', sort: 50 },
  { code: 'assistance', name: '救助对象', applies_to: 'both', color: '#c45656', sort: 60 },
  { code: 'dibao', name: '低保户', applies_to: 'household', color: '#b88230', sort: 70 },
  { code: 'disabled', name: '残疾人', applies_to: 'person', color: '#909399', sort: 80 },
  { code: 'veteran', name: '退役军人', applies_to: 'person', color: '#337ecc', sort: 90 },
  { code: 'party_member', name: '党员', applies_to: 'person', color: '#c8102e', sort: 100 },
] as const

export interface DemoVillage {
  code: string
  name: string
  /** Grid codes the village's households are spread over (hamlets split between them). */
  grids: string[]
  /** Natural villages (自然村) within it; addresses are `<village><hamlet><n>号`. */
  hamlets: string[]
}

export const ARCHIVE_DEMO_VILLAGES: DemoVillage[] = [
  { code: '330683105212', name: '雅璜村', grids: ['330683105212001', '330683105212002'], hamlets: ['下宅', '上宅', '前村', '溪边', '后山', '新屋', '塘湾', '岭脚'] },
  { code: '330683106220', name: '王院村', grids: ['330683106220001', '330683106220002'], hamlets: ['王院', '上王', '下院', '竹园', '塘头', '岭下', '大路', '后畈'] },
]
export const DEMO_HOUSEHOLDS_PER_VILLAGE = 400
export const DEMO_SEED = 20261122
/** Ages are counted from here, so the data does not drift with the clock (and no birth date is ever in the future). */
const REF_YEAR = 2025

const GENERIC_HAMLETS = ['上宅', '下宅', '前村', '后村', '溪边', '新屋', '塘头', '岭下', '竹园', '大路']

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Surnames common in 嵊州 (俞、王、张、钱、周、金、裘、马、黄、李 lead), weighted.
const SURNAMES = '俞俞俞俞王王王王张张张钱钱钱周周周金金金裘裘裘马马黄黄李李吕吕丁袁邢竺尹宋郑陈楼魏胡徐'
// Given names by generation: what a grandfather, a father and a child of this county are likely to be called.
const NAMES = {
  old: {
    male: ['国良', '永根', '水根', '土根', '阿大', '德明', '炳荣', '忠', '庆生', '洪法', '金土', '长根', '宝法', '福林', '建国'],
    female: ['秀英', '桂英', '月仙', '彩娥', '素琴', '菊芳', '金花', '阿香', '杏花', '银娣', '玉英', '雪娥'],
  },
  mid: {
    male: ['立新', '小平', '志强', '海军', '建华', '伟', '斌', '军', '明', '刚', '华', '林', '峰', '磊', '涛', '国平', '建军'],
    female: ['美娟', '丽', '芳', '燕', '红', '霞', '萍', '娟', '敏', '静', '小芬', '丽萍', '海燕', '琴'],
  },
  young: {
    male: ['宇轩', '子豪', '浩然', '俊杰', '一鸣', '宇航', '浩', '杰', '梓涵', '子墨', '睿', '博文', '家乐'],
    female: ['梓萱', '欣怡', '诗涵', '雨桐', '可馨', '思琪', '婷', '雅', '丹', '雪', '佳怡', '语嫣'],
  },
}
const givenName = (age: number, male: boolean) => NAMES[age >= 58 ? 'old' : age >= 28 ? 'mid' : 'young'][male ? 'male' : 'female']
const AWAY = ['杭州', '上海', '宁波', '义乌', '绍兴', '苏州', '深圳']
const UNIVERSITIES = ['浙江大学', '浙江工业大学', '宁波大学', '杭州师范大学', '浙江财经大学', '中国计量大学', '上海大学']
const TALENT_JOBS = ['嵊州市人民医院', '嵊州中学', '嵊州市农业农村局农技站', '浙江某机电科技公司', '嵊州市第二人民医院', '剡溪小学']
const LOCAL_JOBS = ['务农', '务农', '务农', '嵊州领带厂', '本村茶厂', '个体经营', '建筑工', '嵊州电机厂', '镇卫生院', '']

export interface GeneratedRows {
  rows: FieldRow[]
  households: number
}

/**
 * Households of plausible families: elderly living alone (children mostly in another city), elderly couples,
 * young couples with children, three generations with left-behind children while the parents work away,
 * students away at university, a few professionals, veterans, disabled people, 低保 households.
 */
export function generateHouseholdRows(
  villages: DemoVillage[],
  householdsPerVillage: number,
  opts: { seed?: number; /** shared between calls that build one file, so ID numbers stay unique */ usedIds?: Set<string> } = {},
): GeneratedRows {
  const r = prng(opts.seed ?? DEMO_SEED)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]
  const chance = (p: number) => r() < p
  const between = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1))
  const usedIds = opts.usedIds ?? new Set<string>()
  let phoneSeq = Math.floor(r() * 1e6)

  const idFor = (age: number, male: boolean) => {
    const year = REF_YEAR - age
    for (;;) {
      const doy = between(0, 364)
      const d = new Date(Date.UTC(year, 0, 1 + doy))
      const birth = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`
      // The sequence's last digit carries the gender: odd for men.
      const seq = between(0, 499) * 2 + (male ? 1 : 0)
      const id = withIdCheck(`330683${birth}${String(seq).padStart(3, '0')}`)
      if (!usedIds.has(id)) {
        usedIds.add(id)
        return id
      }
    }
  }
  const phone = () => {
    phoneSeq = (phoneSeq + 7919) % 1e8
    return `${pick(['138', '139', '135', '137', '158', '159', '187', '188', '152'])}${String(phoneSeq).padStart(8, '0')}`
  }

  const rows: FieldRow[] = []
  let households = 0
  for (const v of villages) {
    const hamlets = v.hamlets.length ? v.hamlets : GENERIC_HAMLETS
    const numbers = new Map<string, number>()
    for (let i = 0; i < householdsPerVillage; i++) {
      households++
      const hi = Math.floor(r() * hamlets.length)
      const hamlet = hamlets[hi]
      const no = (numbers.get(hamlet) ?? 0) + between(1, 3)
      numbers.set(hamlet, no)
      const regionCode = v.grids.length ? v.grids[Math.min(v.grids.length - 1, Math.floor((hi * v.grids.length) / hamlets.length))] : v.code
      const address = `${v.name}${hamlet}${no}号`
      const surname = pick([...SURNAMES])
      const members: { name: string; relation: string; age: number; male: boolean; away?: string; student?: string }[] = []
      // Children and the men of the family carry the family's surname; wives keep their own.
      const person = (relation: string, age: number, male: boolean, sameSurname = male || ['户主', '子女', '孙辈'].includes(relation)) => ({
        name: (sameSurname ? surname : pick([...SURNAMES])) + pick(givenName(age, male)),
        relation,
        age,
        male,
      })
      const kind = r()
      let aloneElderly = false
      if (kind < 0.1) {
        // Elderly living alone.
        members.push(person('户主', between(70, 93), chance(0.4)))
        aloneElderly = true
      } else if (kind < 0.24) {
        const age = between(62, 86)
        members.push(person('户主', age, true), person('配偶', age - between(0, 5), false))
      } else if (kind < 0.42) {
        const age = between(28, 52)
        members.push(person('户主', age, true), person('配偶', age - between(0, 4), false))
        for (let k = between(1, 2); k > 0; k--) members.push(person('子女', Math.max(1, age - between(22, 32)), chance(0.5)))
      } else if (kind < 0.72) {
        // Three generations; the register's head is the father or, in older families, the grandfather.
        const age = between(32, 55)
        const away = chance(0.35) ? pick(AWAY) : undefined
        const gAge = age + between(24, 32)
        const grandHead = chance(0.4)
        const grandpa = person(grandHead ? '户主' : '父母', gAge, true)
        const grandma = chance(0.7) ? person(grandHead ? '配偶' : '父母', gAge - between(0, 4), false) : undefined
        const father = { ...person(grandHead ? '子女' : '户主', age, true), away }
        const mother = { ...person(grandHead ? '儿媳' : '配偶', age - between(0, 4), false), away }
        if (grandHead) members.push(grandpa, ...(grandma ? [grandma] : []), father, mother)
        else members.push(father, mother, grandpa, ...(grandma ? [grandma] : []))
        for (let k = between(1, 2); k > 0; k--) members.push(person(grandHead ? '孙辈' : '子女', Math.max(1, age - between(22, 34)), chance(0.5)))
      } else if (kind < 0.87) {
        const age = between(24, 60)
        members.push(person('户主', age, true), person('配偶', age - between(0, 4), false))
      } else {
        members.push(person('户主', between(30, 68), chance(0.7)))
        if (chance(0.4)) members.push(person('子女', between(1, 20), chance(0.5)))
      }
      for (const m of members) if (m.age >= 18 && m.age <= 22 && m.relation !== '户主' && chance(0.7)) m.student = pick(UNIVERSITIES)
      const hasOld = members.some((m) => m.age >= 60)
      const hasChild = members.some((m) => m.age <= 14)
      const parentsAway = members.some((m) => m.away)
      const dibao = (aloneElderly && chance(0.15)) || chance(0.015)

      members.forEach((m, idx) => {
        const tags: string[] = []
        let political = ''
        if (m.age >= 18) {
          if (chance(m.age >= 45 ? 0.1 : 0.07)) {
            political = '中共党员'
            tags.push('党员')
          } else if (m.age <= 28 && chance(0.3)) political = '共青团员'
          else political = '群众'
        } else if (m.age >= 14 && chance(0.4)) political = '共青团员'
        if (aloneElderly) tags.push('独居老人')
        if (m.age < 16 && parentsAway) tags.push('留守儿童')
        if (m.student) tags.push('在外学子')
        let workplace = ''
        if (m.student) workplace = m.student
        else if (m.away) workplace = `${m.away}务工`
        else if (m.age >= 25 && m.age <= 58 && chance(0.05)) {
          workplace = pick(TALENT_JOBS)
          tags.push('专业人才')
        } else if (m.age >= 18 && m.age < 65) workplace = pick(LOCAL_JOBS)
        if (m.male && m.age >= 25 && m.age <= 75 && chance(0.05)) tags.push('退役军人')
        if (chance(m.age >= 70 ? 0.05 : 0.015)) tags.push('残疾人')
        if (chance(aloneElderly ? 0.1 : 0.01)) tags.push('救助对象')
        // Household tags ride on the head's row.
        if (idx === 0) {
          if (dibao) tags.push('低保户')
          if (hasOld && hasChild) tags.push('一老一小')
        }
        const health =
          m.age >= 60
            ? pick(['健康', '健康', '良好', '慢性病(高血压)', '慢性病(高血压)', '慢性病(糖尿病)', '行动不便', '慢性病(心脏病)'])
            : m.age >= 40
              ? pick(['健康', '健康', '健康', '良好', '慢性病(高血压)'])
              : '健康'
        rows.push({
          regionCode,
          address,
          name: m.name,
          relation: m.relation,
          // Gender and birth date come from the ID number, as they do in a real register.
          idNumber: idFor(m.age, m.male),
          phone: m.age >= 16 && (m.age < 80 || chance(0.5)) ? phone() : '',
          politicalStatus: political,
          health,
          // Asked of the elderly: do their children live in the same city?
          childrenInCity: m.age >= 60 ? (aloneElderly ? (chance(0.2) ? '是' : '否') : chance(0.55) ? '是' : '否') : '',
          workplace,
          tags: tags.join('、'),
          notes: aloneElderly && chance(0.3) ? '子女在外地,网格员每周走访' : '',
        })
      })
    }
  }
  return { rows, households }
}

/**
 * Load the demo archive (idempotent: a second run finds every household and person and changes nothing).
 * The regions must exist (seedDemo loads them first).
 */
export async function seedArchiveDemo(db: Kysely<DB>, secret: string): Promise<ImportCounts & { rows: number }> {
  await ensureTags(
    db,
    TAG_CATALOGUE.map((t) => ({ ...t })),
  )
  const county = await db.selectFrom('regions').select('path').where('code', '=', '330683').executeTakeFirst()
  if (!county) throw new Error('the 嵊州 regions are missing: run the demo seed (regions) first')
  const present = new Set((await regionsUnder(db, county.path)).map((r) => r.code))
  const villages = ARCHIVE_DEMO_VILLAGES.map((v) => ({ ...v, grids: v.grids.filter((g) => present.has(g)) })).filter((v) => present.has(v.code))
  const { rows } = generateHouseholdRows(villages, DEMO_HOUSEHOLDS_PER_VILLAGE)
  const importer = await HouseholdImporter.open(db, { crypto: new FieldCrypto(secret), scopePath: county.path, actorId: null })
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    const prepared = rows.slice(i, i + CHUNK_ROWS).map((row, j) => {
      const p = importer.prepare(row, i + j + 2)
      if ('reason' in p) throw new Error(`demo archive row ${i + j + 2} is invalid: ${p.reason}`)
      return p
    })
    importer.commit(await db.transaction().execute((trx) => importer.apply(trx, prepared)))
  }
  return { ...importer.counts, rows: rows.length }
}
