/**
 * Display helpers of the case screens (pure: no i18n instance, no clock of their own — `now` comes in).
 * Working days are the server's business (it sets dueAt/warnAt on the Chinese calendar); here we only say
 * how far away the due time is and whether the case is in its warning window or overdue.
 */
import type { Case, CaseEvent, CaseState } from '@minqing/common'
import { formatDateTime } from '../archive/format.ts'

export { formatDateTime }

// State lists come from the lifecycle table (common/case-lifecycle.ts): FINISHED_STATES — nobody works against a
// clock any more; DISPATCHABLE_STATES — waiting for someone to dispatch (待交办).
import { DISPATCHABLE_STATES, FINISHED_STATES } from '@minqing/common'
export { DISPATCHABLE_STATES }

export type DueKind = 'none' | 'done' | 'paused' | 'normal' | 'warning' | 'overdue'
export interface DueInfo {
  kind: DueKind
  dueAt: string | null
  /** Due time minus now (negative when overdue); null without a due time. */
  remainingMs: number | null
}

type DueFields = Pick<Case, 'state' | 'dueAt' | 'warnAt' | 'warned' | 'overdue' | 'paused'>

/**
 * Where a case stands against its due time. The server's marks (`warned`, `overdue`, set by its job) win;
 * between two job runs the times themselves decide, so a page left open turns red on time.
 */
export function dueInfo(c: DueFields, now: number = Date.now()): DueInfo {
  const due = c.dueAt ? Date.parse(c.dueAt) : NaN
  const remainingMs = Number.isFinite(due) ? due - now : null
  if (FINISHED_STATES.includes(c.state)) return { kind: 'done', dueAt: c.dueAt, remainingMs }
  if (remainingMs === null) return { kind: 'none', dueAt: null, remainingMs: null }
  if (c.paused) return { kind: 'paused', dueAt: c.dueAt, remainingMs }
  if (c.overdue || remainingMs <= 0) return { kind: 'overdue', dueAt: c.dueAt, remainingMs }
  const warn = c.warnAt ? Date.parse(c.warnAt) : NaN
  if (c.warned || (Number.isFinite(warn) && now >= warn)) return { kind: 'warning', dueAt: c.dueAt, remainingMs }
  return { kind: 'normal', dueAt: c.dueAt, remainingMs }
}

export interface DurationParts {
  days: number
  hours: number
  minutes: number
}
/** |ms| as whole days, hours and minutes (rounded down to the minute). */
export function splitDuration(ms: number): DurationParts {
  const total = Math.floor(Math.abs(ms) / 60_000)
  return { days: Math.floor(total / 1440), hours: Math.floor((total % 1440) / 60), minutes: total % 60 }
}

/** `2天3小时`, `5小时12分`, `8分钟` / `2d 3h`, `5h 12m`, `8m` — the two largest units, never more. */
export function formatDuration(ms: number, locale: string): string {
  const { days, hours, minutes } = splitDuration(ms)
  const zh = !locale.startsWith('en')
  if (days > 0) return zh ? `${days}天${hours ? `${hours}小时` : ''}` : `${days}d${hours ? ` ${hours}h` : ''}`
  if (hours > 0) return zh ? `${hours}小时${minutes ? `${minutes}分` : ''}` : `${hours}h${minutes ? ` ${minutes}m` : ''}`
  return zh ? `${Math.max(minutes, 0)}分钟` : `${Math.max(minutes, 0)}m`
}

/** Element Plus tag type of each state. */
export const STATE_TAG: Record<CaseState, 'primary' | 'success' | 'info' | 'warning' | 'danger'> = {
  new: 'warning',
  dispatched: 'primary',
  accepted: 'primary',
  replied: 'success',
  closed: 'info',
  returned: 'warning',
  extension_requested: 'warning',
  escalated: 'danger',
  reopened: 'danger',
  rejected: 'info',
  merged: 'info',
}
/** Vant tag type of each state (Vant has no "info"). */
export const STATE_TAG_VANT: Record<CaseState, 'primary' | 'success' | 'warning' | 'danger' | 'default'> = {
  new: 'warning',
  dispatched: 'primary',
  accepted: 'primary',
  replied: 'success',
  closed: 'default',
  returned: 'warning',
  extension_requested: 'warning',
  escalated: 'danger',
  reopened: 'danger',
  rejected: 'default',
  merged: 'default',
}

/** The colour of a supervision card (督办: normal blue, yellow card, red card). */
export const SUPERVISION_COLOR: Record<'normal' | 'yellow' | 'red', string> = {
  normal: '#409eff',
  yellow: '#e6a23c',
  red: '#f56c6c',
}

/** Tag type of a due badge. */
export const DUE_TAG: Record<DueKind, 'success' | 'warning' | 'danger' | 'info'> = {
  none: 'info',
  done: 'info',
  paused: 'info',
  normal: 'success',
  warning: 'warning',
  overdue: 'danger',
}

// ---- timeline --------------------------------------------------------------------------
export interface EventFact {
  /** i18n key of the label, under `cases.fact.` */
  key: string
  /** The raw value (shown as it is unless `tKey` is given). */
  value: string
  /** A full i18n key that names the value (state, level, rating…). */
  tKey?: string
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null)

/**
 * What an event's `data` says, as label/value pairs in a fixed order (what the timeline shows under each
 * step): the unit and due time of a dispatch, the rating, whether the suggested unit was overridden…
 * Unknown keys are left out (ids say nothing to a person).
 */
export function eventFacts(e: Pick<CaseEvent, 'action' | 'data'>): EventFact[] {
  const d = (e.data ?? {}) as Record<string, unknown>
  const out: EventFact[] = []
  const add = (key: string, value: string | null, tKey?: string) => {
    if (value !== null && value !== '') out.push(tKey ? { key, value, tKey } : { key, value })
  }
  if (e.action === 'create') add('channel', str(d.channel), str(d.channel) ? `cases.channel.${d.channel}` : undefined)
  if (str(d.fromUnitName)) add('fromUnit', str(d.fromUnitName))
  if (str(d.unitName)) add(e.action === 'return' ? 'returnedBy' : 'unit', str(d.unitName))
  if (e.action === 'supervise') {
    if (str(d.level)) add('supervision', str(d.level), `cases.supervision.${d.level}`)
  } else if (str(d.level) && e.action !== 'reopen') {
    add('level', str(d.level), `cases.level.${d.level}`)
  }
  if (str(d.fromLevel) && str(d.toLevel)) {
    add('fromLevel', str(d.fromLevel), `cases.level.${d.fromLevel}`)
    add('toLevel', str(d.toLevel), `cases.level.${d.toLevel}`)
  }
  if (e.action === 'reopen' && str(d.level)) add('level', str(d.level), `cases.level.${d.level}`)
  if (typeof d.escalated === 'boolean' && d.escalated) add('escalated', 'yes', 'common.yes')
  if (str(d.dueAt)) add('dueAt', formatDateTime(str(d.dueAt)))
  if (str(d.acceptDueAt)) add('acceptDueAt', formatDateTime(str(d.acceptDueAt)))
  if (d.override === true) add('override', 'yes', 'cases.fact.overrideYes')
  if (typeof d.days === 'number' && d.days > 0) add('days', String(d.days))
  if (typeof d.approved === 'boolean') add('approved', d.approved ? 'yes' : 'no', d.approved ? 'cases.fact.approvedYes' : 'cases.fact.approvedNo')
  if (str(d.rating)) add('rating', str(d.rating), `cases.rating.${d.rating}`)
  if (str(d.kind)) add('rejectKind', str(d.kind), `cases.rejectKind.${d.kind}`)
  if (str(d.intoNumber)) add('mergedInto', str(d.intoNumber))
  if ((e.action === 'merged_from' || e.action === 'answered_via_merge') && str(d.number)) add('relatedCase', str(d.number))
  if (str(d.leader)) add('leader', str(d.leader))
  if (d.onSpot === true) add('onSpot', 'yes', 'common.yes')
  if (typeof d.afterDays === 'number') add('afterDays', String(d.afterDays))
  return out
}

/** One rating the reporter gave (on the tracking page, signed in, or on a 回访 call), from the timeline. */
export interface RatingRecord {
  rating: string
  comment: string | null
  at: string
  /** Recorded by staff from a call-back. */
  viaCall: boolean
  /** It sent the case back to work (不满意 → 重办). */
  reopened: boolean
}

/**
 * Every rating of the case, oldest first. The case's own `rating` is only its current answer's (none after
 * 不满意 reopened it); the timeline's `rate` rows keep them all.
 */
export function ratingHistory(events: readonly Pick<CaseEvent, 'action' | 'data' | 'note' | 'at' | 'toState'>[]): RatingRecord[] {
  return events
    .filter((e) => e.action === 'rate' && str((e.data as Record<string, unknown> | null)?.rating))
    .map((e) => {
      const d = e.data as Record<string, unknown>
      return { rating: String(d.rating), comment: e.note ?? null, at: e.at, viaCall: d.via === 'callback', reopened: e.toState === 'reopened' }
    })
}

/** A masked phone as the server sends it (`138****0003`), or a dash. */
export const phoneText = (phone: string | null | undefined) => (phone && phone.trim() ? phone : '—')

/**
 * The level a region code stands for (嵊州 codes: 6 digits county, 9 town, 12 village, longer a grid), or null.
 * Used to offer dispatch levels between the case's region and its current level.
 */
export function levelOfRegionCode(code: string): 'county' | 'town' | 'village' | 'grid' | null {
  if (!/^\d+$/.test(code)) return null
  if (code.length <= 6) return 'county'
  if (code.length <= 9) return 'town'
  if (code.length <= 12) return 'village'
  return 'grid'
}

/** Who acted on an event: a user's or a connected system's name, the resident (through their tracking code), or the system. */
export function eventActorKey(e: Pick<CaseEvent, 'actor' | 'data'>): { name: string } | 'resident' | 'system' {
  if (e.actor) return { name: e.actor.name }
  const via = e.data?.via
  if (via === 'tracking_code') return 'resident'
  // A connected system (an Open311 client, a push source) signs its rows with its name.
  return typeof via === 'string' && via ? { name: via } : 'system'
}
