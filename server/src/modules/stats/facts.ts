import { CASE_LEVELS, CASE_QUEUE_TABLE, type CaseFigures, type CaseLevel, type CaseState, isTerminalState } from '@minqing/common'
import { cnDate, workingDaysBetween } from '../../platform/workdays.ts'

/**
 * The counters of one case (and, summed, of a rollup row). The formulas in common/src/stats.ts are these
 * counters' ratios; this file is where a case's timeline becomes them. Order = the integer[] of stats_case_facts.
 */
export const COUNTERS = [
  'received',
  'closed',
  'open',
  'rejected',
  'merged',
  'overdue',
  'warned',
  'dispatched',
  'responded',
  'answered',
  'reopened',
  'returned',
  'rated',
  'satisfied',
  'unsatisfied',
  'yellow',
  'red',
  'on_time',
  'close_days',
  'resolved',
  'grid_closed',
  'grid_resolved',
  'village_closed',
  'village_resolved',
  'town_closed',
  'town_resolved',
  // Now (as of the case's last event): in the 已超期 queue, in the 即将超期 queue.
  'now_overdue',
  'now_due_soon',
] as const
export type Counter = (typeof COUNTERS)[number]
export type Counters = Record<Counter, number>

export const NIL_UUID = '00000000-0000-0000-0000-000000000000'

export interface FactCase {
  id: string
  state: string
  level: CaseLevel
  region_id: number
  category_id: number | null
  unit_id: string | null
  /** The handler, and the leader who claimed it (who then answers for it): the case's cadre is the claimer, else the handler. */
  handler_id: string | null
  claimed_by: string | null
  warned_at: Date | null
  overdue_at: Date | null
  closed_at: Date | null
  created_at: Date
}
export interface FactEvent {
  action: string
  to_state: string | null
  data: Record<string, unknown> | null
}

/** One case's row: its cohort day, where it counts, and its counters. */
export interface Fact {
  period: string
  regionId: number
  categoryId: number
  unitId: string
  /** The cadre the case counts for (groupBy=handler): the claiming leader, else the current or last handler. */
  handlerId: string | null
  raisedLevel: CaseLevel
  counters: number[]
}

const levelIdx = (l: string) => CASE_LEVELS.indexOf(l as CaseLevel)
const below = (l: unknown): CaseLevel | undefined => (typeof l === 'string' && levelIdx(l) > 0 ? CASE_LEVELS[levelIdx(l) - 1] : undefined)
const asLevel = (l: unknown): CaseLevel | undefined => (typeof l === 'string' && levelIdx(l) >= 0 ? (l as CaseLevel) : undefined)

/**
 * The level a case was raised at: before its first level change. Escalations say where they came from; a dispatch
 * says the dispatcher's level (`fromLevel`, older rows only the target level, which is the case's own for a
 * dispatch at its level); an unsatisfied rating or a reopen that went one level up came from the one below.
 */
function raisedLevel(c: Pick<FactCase, 'level'>, events: readonly FactEvent[]): CaseLevel {
  for (const e of events) {
    const d = e.data ?? {}
    if (e.action === 'escalate') return asLevel(d.fromLevel) ?? c.level
    if (e.action === 'dispatch') return asLevel(d.fromLevel) ?? asLevel(d.level) ?? c.level
    if ((e.action === 'rate' || e.action === 'reopen') && d.escalated === true) return below(d.level) ?? c.level
  }
  return c.level
}

/** The case's fact, from its row and its whole timeline (oldest first). */
export function factOf(c: FactCase, events: readonly FactEvent[]): Fact {
  const n = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Counters
  const has = (action: string) => events.some((e) => e.action === action)
  const count = (f: (e: FactEvent) => boolean) => events.filter(f).length
  n.received = 1
  n.closed = c.state === 'closed' ? 1 : 0
  n.open = isTerminalState(c.state) ? 0 : 1
  n.rejected = c.state === 'rejected' ? 1 : 0
  n.merged = c.state === 'merged' ? 1 : 0
  n.overdue = c.overdue_at || has('overdue') ? 1 : 0
  n.warned = n.overdue || c.warned_at || has('warn') ? 1 : 0
  n.dispatched = has('dispatch') ? 1 : 0
  n.responded = n.dispatched && (has('accept') || has('claim')) && !has('accept_overdue') ? 1 : 0
  n.answered = has('reply') || has('resolve_on_spot') ? 1 : 0
  n.reopened = events.some((e) => e.to_state === 'reopened') ? 1 : 0
  n.returned = has('return') ? 1 : 0
  const ratings = events.filter((e) => e.action === 'rate').map((e) => e.data?.rating)
  n.rated = ratings.filter((r) => typeof r === 'string').length
  n.satisfied = ratings.filter((r) => r === 'satisfied' || r === 'basically_satisfied').length
  n.unsatisfied = ratings.filter((r) => r === 'unsatisfied').length
  n.yellow = count((e) => e.action === 'supervise' && e.data?.level === 'yellow')
  n.red = count((e) => e.action === 'supervise' && e.data?.level === 'red')
  // The lifecycle's queues: 已超期 = overdue mark in a running or paused state; 即将超期 = warned, not overdue, running.
  n.now_overdue = c.overdue_at && CASE_QUEUE_TABLE.overdue.states.includes(c.state as CaseState) ? 1 : 0
  n.now_due_soon = c.warned_at && !c.overdue_at && CASE_QUEUE_TABLE.due_soon.states.includes(c.state as CaseState) ? 1 : 0
  const raised = raisedLevel(c, events)
  if (n.closed) {
    n.on_time = n.overdue ? 0 : 1
    n.close_days = c.closed_at ? workingDaysBetween(c.created_at, c.closed_at) : 0
    // Resolved at its level: closed at the level it was raised at or below (never escalated above it).
    const resolved = levelIdx(c.level) <= levelIdx(raised) ? 1 : 0
    n.resolved = resolved
    if (raised === 'grid' || raised === 'village' || raised === 'town') {
      n[`${raised}_closed`] = 1
      n[`${raised}_resolved`] = resolved
    }
  }
  return {
    period: cnDate(c.created_at),
    regionId: c.region_id,
    categoryId: c.category_id ?? 0,
    unitId: c.unit_id ?? lastUnit(events) ?? NIL_UUID,
    handlerId: c.claimed_by ?? c.handler_id ?? null,
    raisedLevel: raised,
    counters: COUNTERS.map((k) => n[k]),
  }
}

/** The unit a case was last dispatched or transferred to (escalations and reopenings clear the column). */
function lastUnit(events: readonly FactEvent[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]
    if ((e.action === 'dispatch' || e.action === 'transfer') && typeof e.data?.unitId === 'string') return e.data.unitId
  }
  return undefined
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10000) / 10000 : null)

/** The published figures of summed counters (the formulas of common/src/stats.ts). */
export function figuresOf(n: Counters): CaseFigures {
  return {
    received: n.received,
    closed: n.closed,
    inProgress: n.open,
    overdue: n.overdue,
    warned: n.warned,
    responseRate: ratio(n.responded, n.dispatched),
    onTimeRate: ratio(n.on_time, n.closed),
    closeRate: ratio(n.closed, n.received - n.rejected - n.merged),
    satisfactionRate: ratio(n.satisfied, n.rated),
    unsatisfiedRate: ratio(n.unsatisfied, n.rated),
    reopenRate: ratio(n.reopened, n.answered),
    returnRate: ratio(n.returned, n.dispatched),
    avgDaysToClose: n.closed > 0 ? Math.round((n.close_days / n.closed) * 10) / 10 : null,
    yellowCards: n.yellow,
    redCards: n.red,
    levelResolvedRate: ratio(n.resolved, n.closed),
    gridResolvedRate: ratio(n.grid_resolved, n.grid_closed),
    villageResolvedRate: ratio(n.village_resolved, n.village_closed),
    townResolvedRate: ratio(n.town_resolved, n.town_closed),
  }
}

export const zeroCounters = (): Counters => Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Counters
