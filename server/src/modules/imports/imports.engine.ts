import { createHash, randomUUID } from 'node:crypto'
import { idNumberFacts, idNumberProblem, maskIdNumber, maskPhone, normaliseIdNumber, phoneProblem, RELATIONS } from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { protectedColumns } from '../../platform/identifiers.ts'
import * as repo from './imports.repository.ts'
import type { ImportField } from './sheet.ts'

// The household/person import itself, used by upload jobs and by the demo seed: row rules (pure), then one
// chunk of valid rows applied in one transaction with a few set-based statements.

export type FieldRow = Partial<Record<ImportField, string>>

export interface Rejection {
  rowNo: number
  reason: string
  /** A stable code for programs where the reason has one (e.g. OUT_OF_AREA); the reason is for people. */
  code?: string
}

interface Protected {
  enc: string
  hash: string
  masked: string
}

export interface PreparedRow {
  rowNo: number
  region: repo.RegionInfo
  address: string
  hhKey: string
  name: string
  relation: string | null
  gender: 'male' | 'female' | null
  birthDate: string | null
  id: Protected | null
  phone: Protected | null
  politicalStatus: string | null
  health: string | null
  childrenInCity: boolean | null
  workplace: string | null
  notes: string | null
  personTags: number[]
  householdTags: number[]
}

export interface Tally {
  created: number
  updated: number
  unchanged: number
}
export interface ImportCounts {
  households: Tally
  persons: Tally
}
const tally = (): Tally => ({ created: 0, updated: 0, unchanged: 0 })

type HouseholdFate = 'created' | 'updated' | 'unchanged'

/** What one chunk did; merged into the importer's totals only once its transaction has committed. */
export interface ChunkOutcome {
  rows: number
  rejections: Rejection[]
  persons: Tally
  households: Map<string, HouseholdFate>
}

/**
 * A time-ordered UUID (version 7 layout: milliseconds first). Rows a chunk creates get neighbouring keys, so
 * the primary keys and the indexes that repeat them (persons.household_id, history.entity_id) grow at their
 * right edge instead of touching random pages of a large index.
 */
function orderedUuid(): string {
  const u = randomUUID()
  const ts = Date.now().toString(16).padStart(12, '0')
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${u.slice(15)}`
}

// ---- value rules ------------------------------------------------------------------------------

const RELATION_ALIASES: Record<string, (typeof RELATIONS)[number]> = {
  本人: '户主',
  户主本人: '户主',
  妻: '配偶',
  妻子: '配偶',
  夫: '配偶',
  丈夫: '配偶',
  爱人: '配偶',
  子: '子女',
  女: '子女',
  儿子: '子女',
  女儿: '子女',
  长子: '子女',
  次子: '子女',
  三子: '子女',
  长女: '子女',
  次女: '子女',
  三女: '子女',
  独子: '子女',
  独女: '子女',
  养子: '子女',
  养女: '子女',
  继子: '子女',
  继女: '子女',
  媳妇: '儿媳',
  父: '父母',
  母: '父母',
  父亲: '父母',
  母亲: '父母',
  公公: '父母',
  婆婆: '父母',
  岳父: '父母',
  岳母: '父母',
  孙子: '孙辈',
  孙女: '孙辈',
  外孙: '孙辈',
  外孙子: '孙辈',
  外孙女: '孙辈',
  兄: '兄弟姐妹',
  弟: '兄弟姐妹',
  姐: '兄弟姐妹',
  妹: '兄弟姐妹',
  哥哥: '兄弟姐妹',
  弟弟: '兄弟姐妹',
  姐姐: '兄弟姐妹',
  妹妹: '兄弟姐妹',
  其它: '其他',
  亲属: '其他',
}
const POLITICAL_ALIASES: Record<string, string> = {
  党员: '中共党员',
  共产党员: '中共党员',
  中国共产党党员: '中共党员',
  预备党员: '中共预备党员',
  团员: '共青团员',
  共青团: '共青团员',
  无: '群众',
}
const YES = new Set(['是', '同城', 'y', 'yes', 'true', '1', '√'])
const NO = new Set(['否', '不同城', '非同城', 'n', 'no', 'false', '0', '×'])
const LEVEL_NAMES: Record<string, string> = { city: '市', county: '县(市、区)', town: '镇(街道)', village: '村(社区)', grid: '网格' }

const clean = (v: string | undefined) =>
  (v ?? '')
    .replace(/[\u200b\ufeff]/g, '')
    .replace(/[\s\u3000]+/g, ' ')
    .trim()

/** YYYY-MM-DD from the ways dates are typed in registers (2020-1-2, 2020/01/02, 2020年1月2日, 20200102, an Excel serial). */
function parseDate(raw: string): string | null {
  let y: number, m: number, d: number
  let match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$/.exec(raw)
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  else if ((match = /^(\d{4})(\d{2})(\d{2})$/.exec(raw))) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  else if (/^\d{4,5}$/.test(raw) && Number(raw) > 0 && Number(raw) < 80000) {
    const dt = new Date(Date.UTC(1899, 11, 30) + Number(raw) * 86400_000)
    ;[y, m, d] = [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()]
  } else return null
  const dt = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d || dt.getTime() > Date.now()) return null
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

function parseGender(raw: string): 'male' | 'female' | undefined {
  const v = raw.toLowerCase()
  if (v === '男' || v === '男性' || v === 'male' || v === 'm') return 'male'
  if (v === '女' || v === '女性' || v === 'female' || v === 'f') return 'female'
  return undefined
}

const TAG_SPLIT = /[、,，;；\s]+/

// ---- the importer -------------------------------------------------------------------------------

export interface ImporterOptions {
  crypto: FieldCrypto
  /** Materialized path of the importer's region: rows must name regions inside it. */
  scopePath: string
  /** Recorded as created_by and as the actor of history rows; null for the system (the demo seed). */
  actorId: string | null
}

export class HouseholdImporter {
  readonly counts: ImportCounts = { households: tally(), persons: tally() }
  readonly rejections: Rejection[] = []
  processed = 0
  accepted = 0

  private readonly regions: Map<string, repo.RegionInfo>
  private readonly tags: Map<string, repo.TagInfo>
  private readonly tagById: Map<number, repo.TagInfo>
  // File-wide duplicate detection: a row repeating an earlier one would make the import depend on row order.
  // Keys of the long-lived maps are digests (see `compact`): a million-row file keeps them all.
  private readonly idSeen = new Map<string, number>()
  /** rowNo * 2, + 1 when that row had an ID number. */
  private readonly nameSeen = new Map<string, number>()
  private readonly headSeen = new Map<string, number>()
  /** Each household's fate in this job, decided where it first appears; later chunks may turn unchanged into updated. */
  private readonly households = new Map<string, HouseholdFate | 'earlier'>()

  private constructor(
    private readonly opts: ImporterOptions,
    regions: repo.RegionInfo[],
    tags: repo.TagInfo[],
  ) {
    this.regions = new Map(regions.map((r) => [r.code, r]))
    this.tags = new Map(tags.flatMap((t) => [[t.code, t] as const, [t.name, t] as const]))
    this.tagById = new Map(tags.map((t) => [t.id, t]))
  }

  static async open(db: Kysely<DB>, opts: ImporterOptions) {
    const [regions, tags] = await Promise.all([repo.regionsUnder(db, opts.scopePath), repo.allTags(db)])
    return new HouseholdImporter(opts, regions, tags)
  }

  /** Validate one row; every problem of the row goes into one reason. Pure: no database. */
  prepare(raw: FieldRow, rowNo: number): PreparedRow | Rejection {
    const problems: string[] = []
    const regionCode = clean(raw.regionCode).replace(/\s/g, '')
    const address = clean(raw.address)
    const name = clean(raw.name)

    let region: repo.RegionInfo | undefined
    if (!regionCode) problems.push('缺少区域代码')
    else {
      region = this.regions.get(regionCode)
      // Not found and out of the importer's area read the same: the area rule (404 for out-of-scope reads).
      if (!region) problems.push(`区域代码“${regionCode}”不存在或不在您的辖区内`)
      else if (region.level !== 'village' && region.level !== 'grid') {
        problems.push(`区域代码“${regionCode}”是${LEVEL_NAMES[region.level] ?? region.level}(${region.name}),须为村(社区)或网格`)
        region = undefined
      }
    }
    if (!address) problems.push('缺少地址')
    else if (address.length > 200) problems.push('地址过长(最多200字)')
    if (!name) problems.push('缺少姓名')
    else if (name.length > 40) problems.push('姓名过长(最多40字)')

    let relation: string | null = clean(raw.relation) || null
    if (relation) {
      const r = (RELATIONS as readonly string[]).includes(relation) ? relation : RELATION_ALIASES[relation]
      if (!r) problems.push(`与户主关系“${relation}”无效,应为 ${RELATIONS.join('/')}`)
      relation = r ?? null
    }

    let gender: 'male' | 'female' | null = null
    const genderRaw = clean(raw.gender)
    if (genderRaw) {
      gender = parseGender(genderRaw) ?? null
      if (!gender) problems.push(`性别“${genderRaw}”无效,应为 男/女`)
    }

    let birthDate: string | null = null
    const birthRaw = clean(raw.birthDate)
    if (birthRaw) {
      birthDate = parseDate(birthRaw)
      if (!birthDate) problems.push(`出生日期“${birthRaw}”无效,应为 YYYY-MM-DD`)
    }

    let idNumber: string | null = null
    const idRaw = clean(raw.idNumber)
    if (idRaw) {
      const v = normaliseIdNumber(idRaw)
      const problem = idNumberProblem(v)
      if (problem) {
        // Excel turns a long number into 3.30683E+17: say how to keep it as text.
        problems.push(/e\+/i.test(idRaw) || (/^\d{18}$/.test(v) && v.endsWith('000')) ? `${problem}(请将身份证号列设为文本格式)` : problem)
      } else {
        idNumber = v
        const facts = idNumberFacts(v)
        if (birthDate && birthDate !== facts.birthDate) problems.push('出生日期与身份证号不一致')
        if (gender && gender !== facts.gender) problems.push('性别与身份证号不一致')
        if (!birthRaw) birthDate = facts.birthDate
        if (!genderRaw) gender = facts.gender
      }
    }

    let phone: string | null = null
    const phoneRaw = clean(raw.phone)
    if (phoneRaw) {
      const v = phoneRaw.replace(/\s+/g, '')
      const problem = phoneProblem(v)
      if (problem) problems.push(`${problem}(${phoneRaw.length > 4 ? maskPhone(v) : v})`)
      else phone = v
    }

    let politicalStatus: string | null = clean(raw.politicalStatus) || null
    if (politicalStatus) {
      politicalStatus = POLITICAL_ALIASES[politicalStatus] ?? politicalStatus
      if (politicalStatus.length > 10) problems.push('政治面貌过长(最多10字)')
    }
    const health = clean(raw.health) || null
    if (health && health.length > 100) problems.push('健康状况过长(最多100字)')
    const workplace = clean(raw.workplace) || null
    if (workplace && workplace.length > 100) problems.push('工作单位过长(最多100字)')
    const notes = (raw.notes ?? '').trim() || null
    if (notes && notes.length > 2000) problems.push('备注过长(最多2000字)')

    let childrenInCity: boolean | null = null
    const cicRaw = clean(raw.childrenInCity)
    if (cicRaw) {
      const v = cicRaw.toLowerCase()
      childrenInCity = YES.has(v) ? true : NO.has(v) ? false : null
      if (childrenInCity === null) problems.push(`子女是否同城“${cicRaw}”无效,应为 是/否`)
    }

    const personTags: number[] = []
    const householdTags: number[] = []
    const tagRaw = clean(raw.tags)
    if (tagRaw) {
      const unknown: string[] = []
      for (const ref of new Set(tagRaw.split(TAG_SPLIT).filter(Boolean))) {
        const tag = this.tags.get(ref)
        if (!tag) unknown.push(ref)
        else if (tag.applies_to === 'household') householdTags.includes(tag.id) || householdTags.push(tag.id)
        else personTags.includes(tag.id) || personTags.push(tag.id)
      }
      if (unknown.length) problems.push(`标签不存在: ${unknown.join('、')}`)
    }

    if (problems.length) return { rowNo, reason: problems.join(';') }

    // Duplicates within the file (only among rows that are otherwise valid).
    const hhKey = `${region!.id}\u0001${address}`
    const nameKey = `${hhKey}\u0001${name}`
    if (idNumber) {
      const earlier = this.idSeen.get(idNumber)
      if (earlier !== undefined) problems.push(`身份证号与第 ${earlier} 行重复`)
    }
    const nameDigest = compact(nameKey)
    const sameName = this.nameSeen.get(nameDigest)
    if (sameName !== undefined && (!idNumber || sameName % 2 === 0)) problems.push(`同一户中“${name}”与第 ${Math.floor(sameName / 2)} 行重复(无身份证号时以户和姓名识别)`)
    const hhDigest = relation === '户主' ? compact(hhKey) : ''
    if (relation === '户主') {
      const head = this.headSeen.get(hhDigest)
      if (head !== undefined) problems.push(`同一户只能有一个户主(第 ${head} 行已是户主)`)
    }
    if (problems.length) return { rowNo, reason: problems.join(';') }
    if (idNumber) this.idSeen.set(idNumber, rowNo)
    if (sameName === undefined) this.nameSeen.set(nameDigest, rowNo * 2 + (idNumber ? 1 : 0))
    if (relation === '户主') this.headSeen.set(hhDigest, rowNo)

    const { crypto } = this.opts
    return {
      rowNo,
      region: region!,
      address,
      hhKey,
      name,
      relation,
      gender,
      birthDate,
      id: idNumber ? (crypto.protect(idNumber, maskIdNumber) as Protected) : null,
      phone: phone ? (crypto.protect(phone, maskPhone) as Protected) : null,
      politicalStatus,
      health,
      childrenInCity,
      workplace,
      notes,
      personTags,
      householdTags,
    }
  }

  /**
   * Apply one chunk of prepared rows inside the caller's transaction. Returns what it did without touching
   * the importer's totals: call `commit` with it once the transaction has committed (a retried chunk must not
   * count twice).
   */
  async apply(trx: Transaction<DB> | Kysely<DB>, rows: PreparedRow[], extraRejections: Rejection[] = []): Promise<ChunkOutcome> {
    const actorId = this.opts.actorId
    const outcome: ChunkOutcome = { rows: rows.length + extraRejections.length, rejections: [...extraRejections], persons: tally(), households: new Map() }

    // 1. Persons known by ID number. One registered in another area is not the importer's to move.
    const byHash = new Map(
      (
        await repo.personsByIdHash(
          trx,
          rows.flatMap((r) => (r.id ? [r.id.hash] : [])),
        )
      ).map((p) => [p.id_hash!, p]),
    )
    const live: PreparedRow[] = []
    for (const r of rows) {
      const found = r.id && byHash.get(r.id.hash)
      if (found && !found.region_path.startsWith(this.opts.scopePath)) {
        outcome.rejections.push({ rowNo: r.rowNo, reason: '该身份证号已登记在您辖区以外的档案中,请联系其所在村社或上级处理' })
      } else live.push(r)
    }

    // 2. Households by (region, address); the missing ones are created.
    const keyOf = (regionId: number, address: string) => `${regionId}\u0001${address}`
    const hhRows = new Map<string, PreparedRow>()
    for (const r of live) if (!hhRows.has(r.hhKey)) hhRows.set(r.hhKey, r)
    const keys = [...hhRows.values()].map((r) => ({ regionId: r.region.id, address: r.address }))
    const existing = new Map((await repo.householdsByKey(trx, keys)).map((h) => [keyOf(h.region_id, h.address), h]))
    const created = new Set<string>()
    const toCreate = [...hhRows.values()].filter((r) => !existing.has(r.hhKey)).map((r) => ({ id: orderedUuid(), regionId: r.region.id, address: r.address, createdBy: actorId }))
    if (toCreate.length) {
      const inserted = await repo.insertHouseholds(trx, toCreate)
      const lost: typeof keys = []
      for (const h of toCreate) {
        const key = keyOf(h.regionId, h.address)
        if (inserted.has(h.id)) {
          existing.set(key, { id: h.id, region_id: h.regionId, address: h.address, head_person_id: null, head_name: null })
          created.add(key)
        } else lost.push(h)
      }
      // Another writer created some of them between our read and our insert: read theirs.
      for (const h of await repo.householdsByKey(trx, lost)) existing.set(keyOf(h.region_id, h.address), h)
    }
    const household = (r: PreparedRow) => existing.get(r.hhKey)!

    // 3. Persons known by household and name: rows without an ID number, and rows whose ID number is new to
    //    the archive but whose person was registered earlier without one.
    const nameCandidates = live.filter((r) => !(r.id && byHash.has(r.id.hash)) && !created.has(r.hhKey))
    const byName = new Map<string, repo.ExistingPerson[]>()
    for (const p of await repo.personsByHouseholdName(
      trx,
      nameCandidates.map((r) => ({ householdId: household(r).id, name: r.name })),
    )) {
      const key = `${p.household_id}\u0001${p.name}`
      byName.set(key, [...(byName.get(key) ?? []), p])
    }
    const claimed = new Set<string>()
    const matchOf = (r: PreparedRow): repo.ExistingPerson | undefined => {
      if (r.id) {
        const p = byHash.get(r.id.hash)
        if (p) return p
      }
      const candidates = (byName.get(`${household(r).id}\u0001${r.name}`) ?? []).filter((p) => !claimed.has(p.id))
      // With an ID number, only adopt a namesake that has none; without, prefer the one without, else the oldest.
      return r.id ? candidates.find((p) => !p.id_hash) : (candidates.find((p) => !p.id_hash) ?? candidates[0])
    }

    // 4. Decide, row by row.
    const inserts: repo.PersonWrite[] = []
    const updates: repo.PersonWrite[] = []
    const history: { entityType: 'household' | 'person'; entityId: string; changes: Change[] }[] = []
    const matched: { r: PreparedRow; p: repo.ExistingPerson; changes: repo.PersonWrite; diff: Change[] }[] = []
    const newPersons: { r: PreparedRow; id: string }[] = []
    for (const r of live) {
      const h = household(r)
      const p = matchOf(r)
      if (!p) {
        const id = orderedUuid()
        newPersons.push({ r, id })
        inserts.push(personWrite(id, h.id, r))
        continue
      }
      claimed.add(p.id)
      const diff = personDiff(p, h.id, r)
      const write = personWrite(p.id, h.id, r)
      // Same identifier as stored: keep the stored ciphertext rather than write a fresh one.
      if (r.id?.hash === p.id_hash) Object.assign(write, { id_enc: null, id_hash: null, id_masked: null })
      if (r.phone?.hash === p.phone_hash) Object.assign(write, { phone_enc: null, phone_hash: null, phone_masked: null })
      matched.push({ r, p, changes: write, diff })
    }

    // Tags the matched persons and the households already carry.
    const personTagsHad = groupPairs(
      await repo.personTagPairs(
        trx,
        matched.filter((m) => m.r.personTags.length).map((m) => m.p.id),
      ),
    )
    const hhIdsWithTags = [...new Set(live.filter((r) => r.householdTags.length && !created.has(r.hhKey)).map((r) => household(r).id))]
    const hhTagsHad = groupPairs(await repo.householdTagPairs(trx, hhIdsWithTags))

    const personTagsAdd: { owner: string; tagId: number }[] = []
    for (const { r, id } of newPersons) {
      for (const tagId of r.personTags) personTagsAdd.push({ owner: id, tagId })
      history.push({ entityType: 'person', entityId: id, changes: createdFacts(r, household(r).id, this.codes(r.personTags)) })
      outcome.persons.created++
    }
    for (const m of matched) {
      const had = personTagsHad.get(m.p.id) ?? new Set<number>()
      const added = m.r.personTags.filter((t) => !had.has(t))
      for (const tagId of added) personTagsAdd.push({ owner: m.p.id, tagId })
      const diff = [...m.diff]
      if (added.length) diff.push({ field: 'tags', from: this.codes([...had]), to: this.codes([...had, ...added]) })
      if (diff.length === 0) {
        outcome.persons.unchanged++
        continue
      }
      if (m.diff.length) updates.push(m.changes)
      history.push({ entityType: 'person', entityId: m.p.id, changes: diff })
      outcome.persons.updated++
    }

    // Households: head (户主 rows), household tags, and each one's fate.
    const idOfRow = new Map<PreparedRow, string>([...newPersons.map(({ r, id }) => [r, id] as const), ...matched.map((m) => [m.r, m.p.id] as const)])
    const heads: { id: string; headPersonId: string }[] = []
    const hhTagsAdd: { owner: string; tagId: number }[] = []
    const touched: string[] = []
    const hhChanges = new Map<string, Change[]>()
    const hhTagWanted = new Map<string, Set<number>>()
    const headRows = new Map<string, PreparedRow>()
    for (const r of live) {
      if (r.relation === '户主') headRows.set(r.hhKey, r)
      if (r.householdTags.length) {
        const set = hhTagWanted.get(r.hhKey) ?? new Set<number>()
        for (const t of r.householdTags) set.add(t)
        hhTagWanted.set(r.hhKey, set)
      }
    }
    for (const [key, first] of hhRows) {
      const h = existing.get(key)!
      const changes: Change[] = []
      const headRow = headRows.get(key)
      let headName = h.head_name
      if (headRow) {
        const pid = idOfRow.get(headRow)!
        if (h.head_person_id !== pid) {
          heads.push({ id: h.id, headPersonId: pid })
          changes.push({ field: 'head', from: h.head_name, to: headRow.name })
          headName = headRow.name
        }
      }
      const wanted = hhTagWanted.get(key)
      if (wanted) {
        const had = hhTagsHad.get(h.id) ?? new Set<number>()
        const added = [...wanted].filter((t) => !had.has(t))
        for (const tagId of added) hhTagsAdd.push({ owner: h.id, tagId })
        if (added.length) changes.push({ field: 'tags', from: this.codes([...had]), to: this.codes([...had, ...added]) })
      }
      let fate: HouseholdFate
      if (created.has(key)) {
        fate = 'created'
        const facts: Change[] = [
          { field: 'address', from: null, to: first.address },
          { field: 'region', from: null, to: first.region.code },
        ]
        if (headName) facts.push({ field: 'head', from: null, to: headName })
        const tags = changes.find((c) => c.field === 'tags')
        if (tags) facts.push({ ...tags, from: null })
        hhChanges.set(h.id, facts)
      } else if (changes.length) {
        fate = 'updated'
        hhChanges.set(h.id, changes)
        if (!heads.some((x) => x.id === h.id)) touched.push(h.id)
      } else fate = 'unchanged'
      outcome.households.set(key, fate)
    }
    for (const [id, changes] of hhChanges) history.push({ entityType: 'household', entityId: id, changes })

    // 5. Write: persons before heads and tags (foreign keys), history last.
    await repo.insertPersons(trx, inserts, actorId)
    await repo.updatePersons(trx, updates)
    await repo.setHouseholdHeads(trx, heads)
    await repo.touchHouseholds(trx, touched)
    await repo.addPersonTags(trx, personTagsAdd)
    await repo.addHouseholdTags(trx, hhTagsAdd)
    await repo.insertHistoryRows(trx, history, actorId)
    return outcome
  }

  /**
   * Resuming a job skips the chunks already committed, but their rejections still belong in the report:
   * recompute the rows' database-dependent rejections without writing anything.
   */
  async replay(db: Kysely<DB>, rows: PreparedRow[], extraRejections: Rejection[] = []): Promise<ChunkOutcome> {
    const outcome: ChunkOutcome = { rows: rows.length + extraRejections.length, rejections: [...extraRejections], persons: tally(), households: new Map() }
    const byHash = new Map(
      (
        await repo.personsByIdHash(
          db,
          rows.flatMap((r) => (r.id ? [r.id.hash] : [])),
        )
      ).map((p) => [p.id_hash!, p]),
    )
    for (const r of rows) {
      const found = r.id && byHash.get(r.id.hash)
      if (found && !found.region_path.startsWith(this.opts.scopePath)) outcome.rejections.push({ rowNo: r.rowNo, reason: '该身份证号已登记在您辖区以外的档案中,请联系其所在村社或上级处理' })
      else if (!this.households.has(compact(r.hhKey))) this.households.set(compact(r.hhKey), 'earlier')
    }
    return outcome
  }

  /** Totals as they will be once `outcome` is committed (written with the chunk, for progress and resume). */
  preview(outcome: ChunkOutcome) {
    const counts: ImportCounts = structuredClone(this.counts)
    for (const k of ['created', 'updated', 'unchanged'] as const) counts.persons[k] += outcome.persons[k]
    for (const [key, fate] of outcome.households) {
      const before = this.households.get(compact(key))
      if (before === undefined) counts.households[fate]++
      else if (before === 'unchanged' && fate !== 'unchanged') {
        counts.households.unchanged--
        counts.households.updated++
      }
    }
    const rejected = this.rejections.length + outcome.rejections.length
    return { counts, processed: this.processed + outcome.rows, rejected, accepted: this.processed + outcome.rows - rejected }
  }

  commit(outcome: ChunkOutcome) {
    const next = this.preview(outcome)
    Object.assign(this.counts.households, next.counts.households)
    Object.assign(this.counts.persons, next.counts.persons)
    for (const [key, fate] of outcome.households) {
      const digest = compact(key)
      const before = this.households.get(digest)
      if (before === undefined || (before === 'unchanged' && fate !== 'unchanged')) this.households.set(digest, fate)
    }
    this.rejections.push(...outcome.rejections)
    this.processed = next.processed
    this.accepted = next.accepted
  }

  /** Restore totals saved with a job's last committed chunk (before replaying the chunks they cover). */
  restore(saved: Partial<ImportCounts>, processed: number, rejectedBefore: number) {
    if (saved.households) Object.assign(this.counts.households, saved.households)
    if (saved.persons) Object.assign(this.counts.persons, saved.persons)
    this.processed = processed
    this.accepted = processed - rejectedBefore
  }

  /** Merge replayed rejections (the totals were restored already). */
  commitReplay(outcome: ChunkOutcome) {
    this.rejections.push(...outcome.rejections)
  }

  private codes(ids: number[]) {
    return ids.map((id) => this.tagById.get(id)?.code ?? String(id))
  }
}

/**
 * A 16-byte digest standing in for a long key in the file-wide maps (a two-byte string of region, address and
 * name costs several times more). MD5 is used for its speed only; accidental collisions are out of reach.
 */
const compact = (key: string) => createHash('md5').update(key).digest().toString('latin1')

interface Change {
  field: string
  from: unknown
  to: unknown
}

function groupPairs(pairs: { owner: string; tag_id: number }[]) {
  const out = new Map<string, Set<number>>()
  for (const p of pairs) {
    const set = out.get(p.owner) ?? new Set<number>()
    set.add(p.tag_id)
    out.set(p.owner, set)
  }
  return out
}

function personWrite(id: string, householdId: string, r: PreparedRow): repo.PersonWrite {
  return {
    id,
    household_id: householdId,
    region_id: r.region.id,
    name: r.name,
    gender: r.gender,
    birth_date: r.birthDate,
    ...protectedColumns('id', r.id),
    ...protectedColumns('phone', r.phone),
    relation: r.relation,
    political_status: r.politicalStatus,
    health: r.health,
    children_in_city: r.childrenInCity,
    workplace: r.workplace,
    notes: r.notes,
  }
}

/** History of a created person: the facts it was created with (identifiers masked), as the archive records them. */
function createdFacts(r: PreparedRow, householdId: string, tagCodes: string[]): Change[] {
  const facts: Record<string, unknown> = {
    name: r.name,
    gender: r.gender,
    birthDate: r.birthDate,
    idNumber: r.id?.masked ?? null,
    phone: r.phone?.masked ?? null,
    relation: r.relation,
    politicalStatus: r.politicalStatus,
    health: r.health,
    childrenInCity: r.childrenInCity,
    workplace: r.workplace,
    notes: r.notes,
    household: householdId,
    tags: tagCodes.length ? tagCodes : null,
  }
  return Object.entries(facts)
    .filter(([, v]) => v !== null)
    .map(([field, to]) => ({ field, from: null, to }))
}

/** Fields the row changes on an existing person: blank cells keep what is there; identifiers compared by hash. */
function personDiff(p: repo.ExistingPerson, householdId: string, r: PreparedRow): Change[] {
  const changes: Change[] = []
  const cmp = (field: string, before: unknown, after: unknown) => {
    if (after !== null && after !== before) changes.push({ field, from: before, to: after })
  }
  cmp('name', p.name, r.name)
  cmp('gender', p.gender, r.gender)
  cmp('birthDate', p.birth_date, r.birthDate)
  if (r.id && r.id.hash !== p.id_hash) changes.push({ field: 'idNumber', from: p.id_masked, to: r.id.masked })
  if (r.phone && r.phone.hash !== p.phone_hash) changes.push({ field: 'phone', from: p.phone_masked, to: r.phone.masked })
  cmp('relation', p.relation, r.relation)
  cmp('politicalStatus', p.political_status, r.politicalStatus)
  cmp('health', p.health, r.health)
  cmp('childrenInCity', p.children_in_city, r.childrenInCity)
  cmp('workplace', p.workplace, r.workplace)
  cmp('notes', p.notes, r.notes)
  if (p.household_id !== householdId) changes.push({ field: 'household', from: p.household_id, to: householdId })
  return changes
}
