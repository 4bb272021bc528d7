import { CASE_ACTION_TABLE, SYSTEM_ACTION_TABLE, ESCALATE_AFTER_UNSATISFIED, MAX_EXTENSION_DAYS, AUTO_CLOSE_DAYS, WARN_SHARE, type CaseLevel, type CaseState } from '@minqing/common'
import { createHash } from 'node:crypto'
import { addWorkingDays, cnDate } from '../platform/workdays.ts'
import { CASE_TEMPLATES, DIARY_TEXTS, WORDS } from './activity-templates.ts'

// A generated year of 嵊州 activity: cases that walk the closed loop the way the lifecycle table allows, with the
// timeline rows (case_events) a real year would have left, and the cadres' diary entries and visits. Pure and
// deterministic (seeded PRNG, no clock): the same world, options and seed give the same rows on every machine.
// The caller (activity-seed.ts) reads the world from the database and writes the rows in bulk.

export const ACTIVITY_SEED = 20261207
const HOUR = 3_600_000
const DAY = 24 * HOUR
const CN = 8 * HOUR

/** mulberry32 (as the archive demo): small, fast, the same sequence on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface WorldUnit {
  id: string
  name: string
}
export interface WorldVillage {
  id: number
  code: string
  name: string
  lat: number
  lng: number
  grids: { id: number; code: string; workerId: string }[]
  committee: WorldUnit
  cadreId: string
  placeId?: string
  /** How much busier than an average village (the demo logins' villages are, so their queues have work). */
  weight?: number
}
export interface WorldTown {
  id: number
  code: string
  name: string
  office: WorldUnit
  handlerId: string
  villages: WorldVillage[]
}
export interface WorldCategory {
  id: number
  code: string
  top: string
  normalDays: number
  urgentDays: number
  emergencyHours: number
}
/** What the generator needs to know about the county; activity-seed.ts reads it from the database. */
export interface ActivityWorld {
  towns: WorldTown[]
  categories: WorldCategory[]
  /** County departments by top category, and their handlers. */
  departments: Record<string, WorldUnit>
  deptHandler: Record<string, string>
  /** 民情办: the county dispatcher's unit (and the leader's, which a claim moves the case to). */
  countyDispatcherId: string
  leaderId: string
  leaderUnit: WorldUnit
}

export interface GenCase {
  id: string
  number: string
  channel: string
  state: CaseState
  level: CaseLevel
  region_id: number
  category_id: number
  urgency: 'normal' | 'urgent' | 'emergency'
  title: string
  description: string
  reporter_kind: 'named' | 'anonymous' | 'user'
  reporter_user_id: string | null
  reporter_name: string | null
  /** Plain phone; the writer encrypts it. */
  reporter_phone: string | null
  tracking_code: string
  lat: number | null
  lng: number | null
  address: string | null
  place_id: string | null
  unit_id: string | null
  handler_id: string | null
  dispatched_by_level: string | null
  suggested_unit_id: string | null
  due_at: Date | null
  warn_at: Date | null
  accept_due_at: Date | null
  warned_at: Date | null
  overdue_at: Date | null
  paused_at: Date | null
  extension_days: number
  pending_extension_days: number | null
  supervision: 'normal' | 'yellow' | 'red' | null
  claimed_by: string | null
  merged_into: string | null
  rating: 'satisfied' | 'basically_satisfied' | 'unsatisfied' | null
  rating_comment: string | null
  rated_at: Date | null
  reopen_count: number
  replied_at: Date | null
  closed_at: Date | null
  created_by: string | null
  created_at: Date
  updated_at: Date
}
export interface GenEvent {
  case_id: string
  action: string
  actor_id: string | null
  at: Date
  from_state: CaseState | null
  to_state: CaseState
  note: string | null
  data: Record<string, unknown>
}
export interface GenDiary {
  id: string
  client_id: string
  content_hash: string
  kind: 'village' | 'community' | 'enterprise'
  author_id: string
  region_id: number
  household_id: string | null
  enterprise_id: string | null
  occurred_at: Date
  text: string
  lat: number | null
  lng: number | null
  location_source: 'device' | 'household' | 'enterprise' | 'none'
}

export interface ActivityOptions {
  seed?: number
  /** Cases to generate. */
  cases: number
  /** Cases are created in [from, to); `to` is "now" (cases near it are still open). */
  from: Date
  to: Date
  /** Case numbers already used per day (YYYYMMDD → highest NNNN), so a second run continues after them. */
  numbersUsed?: Map<string, number>
}

const CHANNELS: [string, number][] = [
  ['diary', 0.3],
  ['qr', 0.22],
  ['hotline', 0.2],
  ['walk_in', 0.12],
  ['open311', 0.06],
  ['import', 0.1],
]
const LEVELS: CaseLevel[] = ['grid', 'village', 'town', 'county']
const up = (l: CaseLevel): CaseLevel | null => LEVELS[LEVELS.indexOf(l) + 1] ?? null
const SURNAMES = '俞王张钱周金裘马黄李吕丁袁邢竺尹宋郑陈楼魏胡徐'
const GIVEN = ['建国', '秀英', '立新', '美娟', '国良', '海燕', '志强', '桂英', '永根', '丽萍', '小平', '月仙', '伟', '芳', '军', '红']
const HAMLETS = ['上宅', '下宅', '前村', '后村', '溪边', '新屋', '塘头', '岭下', '竹园', '大路']
const TRACKING = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** The lifecycle's own check: may `action` lead from `from` to `to`? (The generator asserts it on every row.) */
function allowed(action: string, from: CaseState | null, to: CaseState): boolean {
  if (action === 'create') return from === null && to === 'new'
  const spec = (CASE_ACTION_TABLE as Record<string, { from: readonly CaseState[]; to: unknown }>)[action] ?? SYSTEM_FROM[action]
  if (!spec || from === null || !spec.from.includes(from)) return false
  const targets = typeof spec.to === 'string' ? [spec.to] : (spec.to as string[])
  return targets.map((t) => (t === 'same' ? from : t)).includes(to)
}
// The system marks the generator writes (common/case-lifecycle.ts: SYSTEM_ACTION_TABLE).
const SYSTEM_FROM = SYSTEM_ACTION_TABLE as Record<string, { from: readonly CaseState[]; to: unknown }>

export interface GeneratedActivity {
  cases: GenCase[]
  events: GenEvent[]
}

/**
 * Cases over [from, to), each walked through the lifecycle: dispatched with its category's time limit, accepted
 * (sometimes late), returned, transferred, extended, escalated grid → village → town → county, claimed by the
 * leader, urged and carded when late, answered, rated (mostly satisfied; 3–8 % unsatisfied → reopened) or
 * auto-closed unrated. A step that would happen after `to` does not happen: recent cases are still open.
 */
export function generateCases(world: ActivityWorld, opts: ActivityOptions): GeneratedActivity {
  const r = prng(opts.seed ?? ACTIVITY_SEED)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const chance = (p: number) => r() < p
  const weighted = <T>(xs: [T, number][]): T => {
    let x = r() * xs.reduce((s, [, w]) => s + w, 0)
    for (const [v, w] of xs) if ((x -= w) < 0) return v
    return xs[xs.length - 1][0]
  }
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16))
    h[12] = '4'
    h[16] = '89ab'[Math.floor(r() * 4)]
    const s = h.join('')
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`
  }
  const end = opts.to.getTime()
  const span = end - opts.from.getTime()
  const subs = world.categories.filter((c) => c.code.includes('.'))
  // Weights: the complaints a county hears most (environment, roads, water) come first.
  const topWeight: Record<string, number> = {
    environment: 16,
    traffic: 14,
    utilities: 11,
    dispute: 10,
    housing: 8,
    welfare: 8,
    agriculture: 7,
    safety: 6,
    other: 6,
    health: 4,
    labor: 4,
    education: 3,
    enterprise: 3,
  }
  const catChoices: [WorldCategory, number][] = subs.map((c) => [c, (topWeight[c.top] ?? 3) / subs.filter((s) => s.top === c.top).length])
  const villages = world.towns.flatMap((t) => t.villages.map((v) => ({ v, t })))
  const villageChoices: [(typeof villages)[number], number][] = villages.map((x) => [x, x.v.weight ?? 1])

  /** `days` working days (fractions as office hours) after `t`, never on a holiday. */
  const work = (t: number, days: number) => {
    const whole = Math.floor(days)
    let x = whole > 0 ? addWorkingDays(new Date(t), whole).getTime() : t
    x += (days - whole) * 9 * HOUR
    const hour = new Date(x + CN).getUTCHours()
    if (hour >= 18 || hour < 8) x = addWorkingDays(new Date(x - ((hour + 24 - 8) % 24) * HOUR), 1).getTime() + ((hour + 24 - 18) % 24) * HOUR * 0.2
    return x
  }

  // Creation times first, in order: numbers run by day, and a duplicate can find an earlier case to merge into.
  const times: number[] = []
  while (times.length < opts.cases) {
    const t = opts.from.getTime() + r() * span
    const d = new Date(t + CN)
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6
    const hour = d.getUTCHours()
    const w = (weekend ? 0.45 : 1) * (hour >= 8 && hour < 20 ? 1 : hour >= 6 && hour < 23 ? 0.3 : 0.05)
    if (r() < w) times.push(t)
  }
  times.sort((a, b) => a - b)

  const used = new Map(opts.numbersUsed ?? [])
  const cases: GenCase[] = []
  const lists: GenEvent[][] = []
  const recentByVillage = new Map<string, { c: GenCase; evs: GenEvent[] }[]>()
  const trackingSeen = new Set<string>()

  for (const created of times) {
    // Now and then the same complaint comes twice from one village (并案 material).
    const dup = cases.length > 20 && chance(0.03) ? cases[cases.length - 1 - Math.floor(r() * 20)] : null
    const { v, t } = dup ? (villages.find((x) => x.v.id === dup.region_id || x.v.grids.some((g) => g.id === dup.region_id)) ?? weighted(villageChoices)) : weighted(villageChoices)
    const cat = dup ? (subs.find((s) => s.id === dup.category_id) ?? weighted(catChoices)) : weighted(catChoices)
    const channel = weighted(CHANNELS)
    const tpl = CASE_TEMPLATES[cat.code] ?? CASE_TEMPLATES['other.consult']
    const hamlet = pick(HAMLETS)
    const fill = (s: string) =>
      s
        .replaceAll('{v}', v.name)
        .replaceAll('{h}', hamlet)
        .replaceAll('{n}', String(1 + Math.floor(r() * 60)))
    // Where it is raised: a grid worker's diary at the grid, a walk-in at the village or town office, the rest
    // by the category's usual level (小事不出网格、大事不出村社).
    const grid = pick(v.grids)
    let level: CaseLevel
    if (channel === 'diary') level = chance(0.7) ? 'grid' : 'village'
    else if (['enterprise', 'labor', 'health', 'education', 'housing'].includes(cat.top)) level = chance(0.6) ? 'town' : 'village'
    else
      level = weighted<CaseLevel>([
        ['grid', 0.45],
        ['village', 0.4],
        ['town', 0.15],
      ])
    const regionId = level === 'grid' ? grid.id : level === 'village' ? v.id : t.id
    const urgency = weighted<GenCase['urgency']>([
      ['normal', 0.86],
      ['urgent', 0.12],
      ['emergency', 0.02],
    ])
    const day = cnDate(new Date(created)).replaceAll('-', '')
    const seq = (used.get(day) ?? 0) + 1
    used.set(day, seq)
    let tracking: string
    do tracking = Array.from({ length: 10 }, () => TRACKING[Math.floor(r() * 32)]).join('')
    while (trackingSeen.has(tracking))
    trackingSeen.add(tracking)
    const raiser =
      channel === 'diary'
        ? level === 'grid'
          ? grid.workerId
          : v.cadreId
        : channel === 'walk_in'
          ? level === 'town'
            ? t.handlerId
            : v.cadreId
          : channel === 'hotline'
            ? world.countyDispatcherId
            : null
    const anonymous = channel === 'qr' && chance(0.15)
    const located = channel !== 'hotline' && channel !== 'import' ? chance(0.9) : chance(0.5)
    const c: GenCase = {
      id: uuid(),
      number: `MQ-${day}-${String(seq).padStart(4, '0')}`,
      channel,
      state: 'new',
      level,
      region_id: regionId,
      category_id: cat.id,
      urgency,
      title: fill(pick(tpl.titles)),
      description: fill(pick(tpl.descriptions)),
      reporter_kind: anonymous ? 'anonymous' : 'named',
      reporter_user_id: raiser,
      reporter_name: anonymous ? null : pick([...SURNAMES]) + pick(GIVEN),
      reporter_phone: anonymous || chance(0.1) ? null : `1${pick(['38', '39', '58', '59', '87', '88', '35'])}${String(Math.floor(r() * 1e8)).padStart(8, '0')}`,
      tracking_code: tracking,
      lat: located ? v.lat + (r() - 0.5) * 0.01 : null,
      lng: located ? v.lng + (r() - 0.5) * 0.01 : null,
      address: `${v.name}${hamlet}`,
      place_id: channel === 'qr' && v.placeId && chance(0.5) ? v.placeId : null,
      unit_id: null,
      handler_id: null,
      dispatched_by_level: null,
      suggested_unit_id: null,
      due_at: null,
      warn_at: null,
      accept_due_at: null,
      warned_at: null,
      overdue_at: null,
      paused_at: null,
      extension_days: 0,
      pending_extension_days: null,
      supervision: null,
      claimed_by: null,
      merged_into: null,
      rating: null,
      rating_comment: null,
      rated_at: null,
      reopen_count: 0,
      replied_at: null,
      closed_at: null,
      created_by: raiser,
      created_at: new Date(created),
      updated_at: new Date(created),
    }
    const evs: GenEvent[] = []
    const emit = (action: string, actor: string | null, at: number, to: CaseState, note: string | null = null, data: Record<string, unknown> = {}) => {
      const from = evs.length ? c.state : null
      if (!allowed(action, from, to)) throw new Error(`activity generator: ${action} ${from} → ${to} is not in the lifecycle table`)
      evs.push({ case_id: c.id, action, actor_id: actor, at: new Date(at), from_state: from, to_state: to, note, data })
      c.state = to
      c.updated_at = new Date(at)
    }
    const unitFor = (l: CaseLevel) => (l === 'county' ? (world.departments[cat.top] ?? world.departments.other) : l === 'town' ? t.office : v.committee)
    const handlerFor = (l: CaseLevel) => (l === 'county' ? (world.deptHandler[cat.top] ?? world.deptHandler.other) : l === 'town' ? t.handlerId : l === 'village' ? v.cadreId : grid.workerId)
    const dispatcherFor = (l: CaseLevel) => (l === 'county' ? world.countyDispatcherId : l === 'town' ? t.handlerId : v.cadreId)
    // Extensions are approved by a dispatcher outside the handler's unit: the town for a village's case, the county's
    // 民情办 for a town's or a department's.
    const approverFor = (l: CaseLevel) => (l === 'grid' || l === 'village' ? t.handlerId : world.countyDispatcherId)
    const limitDue = (at: number) => (urgency === 'emergency' ? at + cat.emergencyHours * HOUR : addWorkingDays(new Date(at), urgency === 'urgent' ? cat.urgentDays : cat.normalDays).getTime())
    c.suggested_unit_id = unitFor(level).id

    emit('create', raiser, created, 'new', null, { number: c.number, channel })
    let now = created
    /** The next step `d` working days later, or null when that is after the end (the case stays where it is). */
    const next = (d: number) => {
      const at = work(now, d)
      if (at >= end) return null
      now = at
      return at
    }
    /** Deadline marks (and the accept-overdue mark) that fell before `until` while the clock ran, in time order. */
    const marks = (until: number, accepting = false) => {
      const lim = Math.min(until, end)
      // A mark due while the clock was paused (a pending extension or return) is made when it runs again.
      const last = evs[evs.length - 1].at.getTime()
      const todo: [number, () => void][] = []
      if (accepting && c.accept_due_at && c.accept_due_at.getTime() < lim) {
        const a = c.accept_due_at
        const t = Math.max(a.getTime(), last)
        todo.push([t, () => emit('accept_overdue', null, t, c.state, null, { acceptDueAt: a.toISOString() })])
      }
      if (c.warn_at && !c.warned_at && c.warn_at.getTime() < lim) {
        const w = c.warn_at
        const t = Math.max(w.getTime(), last)
        todo.push([t, () => emit('warn', null, t, c.state, null, { dueAt: c.due_at?.toISOString() })])
        c.warned_at = w
      }
      if (c.due_at && !c.overdue_at && c.due_at.getTime() < lim) {
        const due = Math.max(c.due_at.getTime(), last)
        const dueIso = c.due_at.toISOString()
        todo.push([due, () => emit('overdue', null, due, c.state, null, { dueAt: dueIso })])
        c.overdue_at = c.due_at
        c.warned_at = c.warned_at ?? c.due_at
        // Late work gets urged, and the worst of it carded (黄牌 / 红牌).
        const urgeAt = due + 0.5 * DAY
        if (chance(0.5) && urgeAt < lim) todo.push([urgeAt, () => emit('urge', world.leaderId, urgeAt, c.state, pick(WORDS.urge))])
        const cardAt = due + 1.2 * DAY
        if (chance(0.35) && cardAt < lim) {
          const card = chance(0.25) ? 'red' : 'yellow'
          todo.push([cardAt, () => emit('supervise', world.leaderId, cardAt, c.state, pick(WORDS.supervise), { level: card })])
          c.supervision = card
        }
      }
      todo.sort((a, b) => a[0] - b[0])
      for (const [, f] of todo) f()
    }
    const dispatch = (at: number, by: string) => {
      const unit = unitFor(c.level)
      const due = c.state === 'returned' && c.due_at && c.paused_at ? c.due_at.getTime() + (at - c.paused_at.getTime()) : limitDue(at)
      const warn = at + (due - at) * WARN_SHARE
      if (c.state !== 'returned') {
        c.warned_at = null
        c.overdue_at = null
      }
      c.unit_id = unit.id
      c.handler_id = handlerFor(c.level)
      c.dispatched_by_level = c.level
      c.due_at = new Date(due)
      c.warn_at = new Date(warn)
      c.accept_due_at = addWorkingDays(new Date(at), 1)
      c.paused_at = null
      emit('dispatch', by, at, 'dispatched', null, {
        unitId: unit.id,
        unitName: unit.name,
        handlerId: c.handler_id,
        level: c.level,
        fromLevel: c.level,
        dueAt: c.due_at.toISOString(),
        suggestedUnitId: c.suggested_unit_id,
        override: unit.id !== c.suggested_unit_id,
      })
    }
    const escalate = (at: number, by: string) => {
      const to = up(c.level)!
      emit('escalate', by, at, 'escalated', pick(WORDS.escalateReason), { fromLevel: c.level, toLevel: to })
      Object.assign(c, { level: to, unit_id: null, handler_id: null, due_at: null, warn_at: null, warned_at: null, overdue_at: null, accept_due_at: null, paused_at: null })
    }
    const reopenTo = (lvl: CaseLevel) =>
      Object.assign(c, {
        level: lvl,
        reopen_count: c.reopen_count + 1,
        unit_id: null,
        handler_id: null,
        due_at: null,
        warn_at: null,
        warned_at: null,
        overdue_at: null,
        accept_due_at: null,
        replied_at: null,
        paused_at: null,
      })

    // A duplicate of an open case in the same village is merged into it (并案) by its dispatcher.
    const earlier = (recentByVillage.get(v.code) ?? []).filter((e) => e.c.category_id === cat.id && created - e.c.created_at.getTime() < 10 * DAY)
    if (earlier.length && chance(0.5)) {
      const target = earlier[earlier.length - 1]
      const at = work(created, 0.3)
      const stateAt = [...target.evs].reverse().find((e) => e.at.getTime() <= at)?.to_state
      if (at < end && stateAt && (['new', 'dispatched', 'accepted', 'returned', 'extension_requested', 'escalated', 'reopened', 'replied'] as CaseState[]).includes(stateAt)) {
        now = at
        emit('merge', dispatcherFor(c.level), at, 'merged', null, { intoCaseId: target.c.id, intoNumber: target.c.number })
        c.merged_into = target.c.id
        c.closed_at = new Date(at)
        const mark: GenEvent = {
          case_id: target.c.id,
          action: 'merged_from',
          actor_id: dispatcherFor(c.level),
          at: new Date(at),
          from_state: stateAt,
          to_state: stateAt,
          note: null,
          data: { caseId: c.id, number: c.number },
        }
        const after = target.evs.findIndex((e) => e.at.getTime() > at)
        target.evs.splice(after < 0 ? target.evs.length : after, 0, mark)
      }
    }

    // The walk. Each turn takes one step from the current state; it ends in a terminal state or at `end`.
    let guard = 0
    walk: while (c.state !== 'closed' && c.state !== 'rejected' && c.state !== 'merged' && guard++ < 40) {
      switch (c.state) {
        case 'new':
        case 'escalated':
        case 'reopened':
        case 'returned': {
          // Back with a dispatcher (returned, escalated, reopened) a case waits longer: it needs a decision.
          const at = next(c.state === 'new' ? 0.1 + r() * 0.6 : chance(0.15) ? 3 + r() * 5 : 0.5 + r() * 2.5)
          if (at === null) break walk
          const hard = c.level === 'town' || c.level === 'county'
          if (c.state === 'new' && channel !== 'diary' && chance(0.03)) {
            emit('reject', dispatcherFor(c.level), at, 'rejected', pick(WORDS.rejectReason), { kind: pick(['duplicate', 'not_government', 'other'] as const) })
            c.closed_at = new Date(at)
          } else if (c.state === 'new' && raiser && (c.level === 'grid' || c.level === 'village') && channel === 'diary' && chance(0.25)) {
            // 当场解决: the raising cadre answered it there and then.
            emit('resolve_on_spot', raiser, at, 'replied', pick(tpl.results), { onSpot: true })
            c.handler_id = raiser
            c.replied_at = new Date(at)
          } else if (c.state === 'new' && raiser && c.level === 'grid' && chance(0.06)) escalate(at, raiser)
          else if (hard && c.state !== 'returned' && chance(c.state === 'escalated' ? 0.25 : 0.03)) {
            // 难事领导认领: a leader takes it on; a fresh clock starts.
            const due = limitDue(at)
            Object.assign(c, {
              claimed_by: world.leaderId,
              handler_id: world.leaderId,
              unit_id: world.leaderUnit.id,
              due_at: new Date(due),
              warn_at: new Date(at + (due - at) * WARN_SHARE),
              paused_at: null,
              pending_extension_days: null,
            })
            emit('claim', world.leaderId, at, 'accepted', pick(WORDS.claim), { leader: '钱立新' })
          } else dispatch(at, dispatcherFor(c.level))
          break
        }
        case 'dispatched': {
          const late = chance(0.12)
          const at = next(late ? 1.1 + r() * 1.5 : 0.05 + r() * 0.8)
          if (at === null) {
            marks(end, true)
            break walk
          }
          marks(at, true)
          const x = r()
          if (x < 0.05) {
            emit('return', c.handler_id, at, 'returned', pick(WORDS.returnReason), { unitId: c.unit_id, unitName: unitFor(c.level).name })
            Object.assign(c, { paused_at: new Date(at), unit_id: null, handler_id: null })
          } else if (x < 0.08 && c.level === 'county') {
            const other = pick(Object.values(world.departments).filter((u) => u.id !== c.unit_id))
            const from = unitFor(c.level)
            emit('transfer', world.countyDispatcherId, at, 'dispatched', pick(WORDS.transferReason), { fromUnitId: from.id, fromUnitName: from.name, unitId: other.id, unitName: other.name })
            Object.assign(c, { unit_id: other.id, handler_id: null, accept_due_at: addWorkingDays(new Date(at), 1) })
          } else if (x < 0.1 && c.level !== 'county') escalate(at, c.handler_id ?? dispatcherFor(c.level))
          else {
            emit('accept', c.handler_id, at, 'accepted')
            c.handler_id = c.handler_id ?? handlerFor(c.level)
          }
          break
        }
        case 'accepted': {
          if (!c.due_at) throw new Error('accepted without a clock')
          const limit = Math.max(1, (c.due_at.getTime() - now) / DAY)
          const pace = r()
          // Most finish well within the limit; some near it (warned); some late (overdue).
          // A few hard ones drag on for weeks (the overdue backlog a county always has).
          const share = pace < 0.8 ? 0.15 + r() * 0.5 : pace < 0.91 ? 0.72 + r() * 0.26 : pace < 0.975 ? 1.05 + r() * 0.8 : 3 + r() * 6
          const at = next(Math.max(0.1, (limit * share * 5) / 7))
          if (at === null) {
            marks(end)
            break walk
          }
          marks(at)
          const x = r()
          if (x < 0.06 && c.extension_days < MAX_EXTENSION_DAYS && !c.claimed_by && c.unit_id !== world.leaderUnit.id) {
            const days = Math.min(MAX_EXTENSION_DAYS - c.extension_days, 2 + Math.floor(r() * 5))
            emit('extend', c.handler_id, at, 'extension_requested', pick(WORDS.extendReason), { days })
            Object.assign(c, { pending_extension_days: days, paused_at: new Date(at) })
          } else if (x < 0.09 && c.level !== 'county' && !c.claimed_by) escalate(at, c.handler_id ?? dispatcherFor(c.level))
          else {
            emit('reply', c.handler_id, at, 'replied', pick(tpl.results))
            Object.assign(c, { replied_at: new Date(at), rating: null })
          }
          break
        }
        case 'extension_requested': {
          const at = next(0.2 + r() * 1.5)
          if (at === null) break walk
          const approved = chance(0.85)
          const shift = c.paused_at ? at - c.paused_at.getTime() : 0
          let due = c.due_at ? c.due_at.getTime() + shift : null
          let warn = c.warn_at ? c.warn_at.getTime() + shift : null
          const days = c.pending_extension_days ?? 0
          if (approved && due) {
            due = addWorkingDays(new Date(due), days).getTime()
            warn = at + (due - at) * WARN_SHARE
          }
          emit('approve_extension', approverFor(c.level), at, 'accepted', null, { approved, days, dueAt: due ? new Date(due).toISOString() : undefined })
          Object.assign(c, {
            due_at: due ? new Date(due) : null,
            warn_at: warn ? new Date(warn) : null,
            paused_at: null,
            pending_extension_days: null,
            extension_days: approved ? c.extension_days + days : c.extension_days,
            ...(approved ? { warned_at: null, overdue_at: null } : {}),
          })
          break
        }
        case 'replied': {
          if (chance(0.015) && !c.rating) {
            const at = next(0.3 + r())
            if (at === null) break walk
            emit('reopen', dispatcherFor(c.level), at, 'reopened', pick(WORDS.reopenReason), { level: c.level, escalated: false })
            reopenTo(c.level)
            break
          }
          // The reporter rates within days (on the tracking page, or on a 回访 call); else it closes by itself.
          const rates = c.reporter_kind !== 'anonymous' && chance(0.72)
          const at = rates ? now + (0.1 + r() * r() * 6) * DAY : now + AUTO_CLOSE_DAYS * DAY + r() * 2 * HOUR
          if (at >= end) break walk
          now = at
          if (!rates) {
            emit('auto_close', null, at, 'closed', null, { afterDays: AUTO_CLOSE_DAYS })
            c.closed_at = new Date(at)
            break
          }
          // 3–8 % unsatisfied (more after a late answer), the rest satisfied or basically satisfied.
          const lateAnswer = !!c.overdue_at
          const rating = weighted<NonNullable<GenCase['rating']>>([
            ['satisfied', 0.8],
            ['basically_satisfied', 0.15],
            ['unsatisfied', lateAnswer ? 0.09 : c.reopen_count ? 0.02 : 0.045],
          ])
          const viaCall = (channel === 'hotline' || channel === 'walk_in') && chance(0.7)
          const actor = viaCall ? world.countyDispatcherId : null
          const via = viaCall ? 'callback' : 'tracking_code'
          const comment = rating === 'unsatisfied' ? pick(WORDS.unsatisfied) : null
          // The row keeps the current answer's rating; an unsatisfied one lives on in its timeline row only.
          Object.assign(c, rating === 'unsatisfied' ? { rating: null, rating_comment: null, rated_at: null } : { rating, rating_comment: comment, rated_at: new Date(at) })
          if (rating !== 'unsatisfied') {
            emit('rate', actor, at, 'closed', comment, { rating, via })
            c.closed_at = new Date(at)
          } else {
            const times = c.reopen_count + 1
            const to = times >= ESCALATE_AFTER_UNSATISFIED ? up(c.level) : null
            const lvl = to ?? c.level
            emit('rate', actor, at, 'reopened', comment, { rating, reopenCount: times, level: lvl, escalated: !!to, via })
            reopenTo(lvl)
          }
          break
        }
        default:
          break walk
      }
    }
    cases.push(c)
    lists.push(evs)
    const list = recentByVillage.get(v.code) ?? []
    list.push({ c, evs })
    if (list.length > 6) list.shift()
    recentByVillage.set(v.code, list)
  }
  // Per-case lists, flattened last: a merged_from mark may have been spliced into an earlier case's list.
  return { cases, events: lists.flat() }
}

/** A stable text hash (diary entries carry their content's hash). */
export const contentHash = (s: string) => createHash('sha256').update(s).digest('hex')

export interface DiaryWorld {
  /** Authors with the households they visit (a village cadre's own village) or none. */
  visitors: { authorId: string; regionId: number; kind: 'village' | 'community'; lat: number; lng: number; households: { id: string; regionId: number; address: string }[]; perMonth: number }[]
  enterpriseVisitors: { authorId: string; enterprises: { id: string; name: string; regionId: number }[]; perMonth: number }[]
}

/** Diary entries over [from, to): household visits against the quotas, village walks, enterprise visits. */
export function generateDiary(world: DiaryWorld, opts: { seed?: number; from: Date; to: Date }): GenDiary[] {
  const r = prng((opts.seed ?? ACTIVITY_SEED) + 1)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const out: GenDiary[] = []
  const from = opts.from.getTime()
  const to = opts.to.getTime()
  const months = Math.max(0, (to - from) / (30.4 * DAY))
  const at = () => {
    for (;;) {
      const t = from + r() * (to - from)
      const d = new Date(t + CN)
      if (d.getUTCHours() >= 8 && d.getUTCHours() < 19 && (d.getUTCDay() % 6 !== 0 || r() < 0.3)) return t
    }
  }
  const fill = (s: string, e = '') =>
    s
      .replaceAll('{h}', pick(HAMLETS))
      .replaceAll('{n}', String(1 + Math.floor(r() * 60)))
      .replaceAll('{e}', e)
  const entry = (authorId: string, kind: GenDiary['kind'], regionId: number, text: string, t: number, extra: Partial<GenDiary>) => {
    const id = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('')
    out.push({
      id: `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-a${id.slice(17, 20)}-${id.slice(20)}`,
      client_id: `demo-${id.slice(0, 16)}`,
      content_hash: contentHash(text),
      kind,
      author_id: authorId,
      region_id: regionId,
      household_id: null,
      enterprise_id: null,
      occurred_at: new Date(t),
      text,
      lat: null,
      lng: null,
      location_source: 'none',
      ...extra,
    })
  }
  for (const v of world.visitors) {
    const n = Math.round(v.perMonth * months)
    // Households in turn, so a year's visits cover the village (the quota: all of them in a year).
    const order = [...v.households].sort(() => r() - 0.5)
    for (let i = 0; i < n; i++) {
      const t = at()
      const h = order.length ? order[i % order.length] : null
      const text = fill(h ? pick(DIARY_TEXTS.household) : pick(DIARY_TEXTS.village))
      entry(
        v.authorId,
        v.kind,
        h?.regionId ?? v.regionId,
        text,
        t,
        h ? { household_id: h.id, lat: v.lat, lng: v.lng, location_source: 'household' } : { lat: v.lat + (r() - 0.5) * 0.01, lng: v.lng + (r() - 0.5) * 0.01, location_source: 'device' },
      )
    }
  }
  for (const ev of world.enterpriseVisitors) {
    const n = Math.round(ev.perMonth * months)
    for (let i = 0; i < n && ev.enterprises.length; i++) {
      const e = pick(ev.enterprises)
      entry(ev.authorId, 'enterprise', e.regionId, fill(pick(DIARY_TEXTS.enterprise), e.name), at(), { enterprise_id: e.id, location_source: 'enterprise' })
    }
  }
  out.sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime())
  return out
}
