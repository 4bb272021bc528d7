/**
 * The case lifecycle (closed loop, 三闭环) as data: the ONE place that says which states there are, what each
 * means (open or terminal, whether the time limit runs, what the resident reads, which work queues show it) and
 * which actions move a case from where to where, by whom, under which guard and with which body. The server's
 * one `transition()` enforces this table for every change — users' actions and the system's (auto-close,
 * deadline marks, other platforms' updates) alike — and the web app reads its labels and state lists from here.
 */
import Type from 'typebox'
import { CASE_LEVELS, CASE_QUEUES, CASE_STATES, RATINGS, SUPERVISION_LEVELS, type CaseAction, type CaseState, type PublicStage } from './case-enums.ts'
import { Nullable, UuidSchema } from './schemas.ts'
import { REPLY_PHOTOS_MAX } from './callbacks.ts'

export type CaseQueue = (typeof CASE_QUEUES)[number]

// ---- constants of the loop (server config may override the defaults) -------------------------------------
/** Extensions of one case total at most this many working days. */
export const MAX_EXTENSION_DAYS = 10
/** A handler may return a case within this many working days of receiving it. */
export const RETURN_WINDOW_DAYS = 2
/** Replied cases nobody rated close by themselves after this many days. */
export const AUTO_CLOSE_DAYS = 7
/** The warning mark comes at this share of the time limit. */
export const WARN_SHARE = 0.7
/** A dispatched case not accepted within this many working days gets an `accept_overdue` mark. */
export const ACCEPT_WITHIN_DAYS = 1
/** Time limits when a case has no category (working days; emergencies in hours). */
export const DEFAULT_LIMITS = { normalDays: 10, urgentDays: 5, emergencyHours: 24 } as const
/** From this many unsatisfied ratings of one case on, an unsatisfied rating also sends it one level up (难事领导认领). */
export const ESCALATE_AFTER_UNSATISFIED = 2

// ---- states ------------------------------------------------------------------------------------------
/**
 * `open`: someone must act (a dispatcher, a handler, a leader). `answered`: the reply is out and the case waits
 * for the reporter's rating (or auto-closes); it still sits in a queue (待评价). `terminal`: nothing more happens.
 */
export type StatePhase = 'open' | 'answered' | 'terminal'
/** `running`: the time limit counts down; `paused`: stopped for a pending return or extension, resumes later; `stopped`: no clock. */
export type ClockMode = 'running' | 'paused' | 'stopped'

export interface CaseStateSpec {
  phase: StatePhase
  clock: ClockMode
  /** What the resident reads on the tracking page. */
  stage: PublicStage
  /** vue-i18n key of its label (zh-CN and en). */
  label: string
}

const state = (phase: StatePhase, clock: ClockMode, stage: PublicStage, s: CaseState): CaseStateSpec => ({ phase, clock, stage, label: `cases.state.${s}` })

export const CASE_STATE_TABLE: Record<CaseState, CaseStateSpec> = {
  new: state('open', 'stopped', 'received', 'new'),
  dispatched: state('open', 'running', 'in_progress', 'dispatched'),
  accepted: state('open', 'running', 'in_progress', 'accepted'),
  extension_requested: state('open', 'paused', 'in_progress', 'extension_requested'),
  returned: state('open', 'paused', 'received', 'returned'),
  escalated: state('open', 'stopped', 'received', 'escalated'),
  reopened: state('open', 'stopped', 'received', 'reopened'),
  replied: state('answered', 'stopped', 'replied', 'replied'),
  closed: state('terminal', 'stopped', 'closed', 'closed'),
  rejected: state('terminal', 'stopped', 'rejected', 'rejected'),
  merged: state('terminal', 'stopped', 'merged', 'merged'),
}

const statesWhere = (f: (s: CaseStateSpec) => boolean) => CASE_STATES.filter((s) => f(CASE_STATE_TABLE[s]))
/** Someone must act on it (not answered, not finished). */
export const OPEN_STATES: readonly CaseState[] = statesWhere((s) => s.phase === 'open')
/** Nothing more happens: closed, rejected, merged. */
export const TERMINAL_STATES: readonly CaseState[] = statesWhere((s) => s.phase === 'terminal')
/** Nobody works against a clock any more: answered or terminal. */
export const FINISHED_STATES: readonly CaseState[] = statesWhere((s) => s.phase !== 'open')
/** The time limit counts down (deadline marks apply). */
export const CLOCK_RUNNING_STATES: readonly CaseState[] = statesWhere((s) => s.clock === 'running')
/** The clock is paused and resumes (a pending return or extension). */
const CLOCK_PAUSED_STATES: readonly CaseState[] = statesWhere((s) => s.clock === 'paused')
export const isOpenState = (s: string) => (OPEN_STATES as readonly string[]).includes(s)
export const isTerminalState = (s: string) => (TERMINAL_STATES as readonly string[]).includes(s)
/** The resident's stage of a state (已收到 / 办理中 / 已答复 / 已办结 / 不予受理 / 已并案). */
export const stageOf = (s: CaseState): PublicStage => CASE_STATE_TABLE[s].stage

/** Timeline rows a resident sees on the tracking page (in their words; the web app labels them). */
export const PUBLIC_STEPS = [
  'create',
  'dispatch',
  'transfer',
  'accept',
  'approve_extension',
  'escalate',
  'reply',
  'resolve_on_spot',
  'rate',
  'reopen',
  'reject',
  'merge',
  'answered_via_merge',
  'auto_close',
  'external_update',
] as const
export const isPublicStep = (action: string) => (PUBLIC_STEPS as readonly string[]).includes(action)

// ---- work queues ---------------------------------------------------------------------------------------
/** Who a queue is for; the server turns it into the list filter. */
export type QueueOwner = 'dispatcher' | 'unit' | 'area' | 'supervisor' | 'reporter' | 'caller'

export interface CaseQueueSpec {
  states: readonly CaseState[]
  owner: QueueOwner
  /** Beyond the state. */
  filter?: 'warned_not_overdue' | 'overdue' | 'unrated' | 'callback_due' | 'not_own'
  label: string
}

/** Cases waiting for a dispatcher of their level (待交办): new, returned, escalated, reopened (also after 不满意). */
export const DISPATCHABLE_STATES: readonly CaseState[] = ['new', 'returned', 'escalated', 'reopened']

export const CASE_QUEUE_TABLE: Record<CaseQueue, CaseQueueSpec> = {
  to_dispatch: { states: DISPATCHABLE_STATES, owner: 'dispatcher', label: 'cases.queue.to_dispatch' },
  // 待审批: a handler's extension request waits for a dispatcher of the case's level (approve_extension) other than
  // the handler and their unit; it also stays in the handler's 办理中 so they see what they asked for.
  to_approve: { states: ['extension_requested'], owner: 'dispatcher', filter: 'not_own', label: 'cases.queue.to_approve' },
  to_accept: { states: ['dispatched'], owner: 'unit', label: 'cases.queue.to_accept' },
  in_progress: { states: ['accepted', 'extension_requested'], owner: 'unit', label: 'cases.queue.in_progress' },
  due_soon: { states: CLOCK_RUNNING_STATES, owner: 'area', filter: 'warned_not_overdue', label: 'cases.queue.due_soon' },
  overdue: { states: [...CLOCK_RUNNING_STATES, ...CLOCK_PAUSED_STATES], owner: 'area', filter: 'overdue', label: 'cases.queue.overdue' },
  to_rate: { states: ['replied'], owner: 'area', filter: 'unrated', label: 'cases.queue.to_rate' },
  supervised_by_me: { states: OPEN_STATES, owner: 'supervisor', label: 'cases.queue.supervised_by_me' },
  // 回访: answered hotline and walk-in cases (and a sample of the others, CALLBACK_SAMPLE_RATE) whose reporter left
  // a phone, for staff who may call back (cases.callback) and did not handle them. GET /api/callbacks adds the attempts.
  callback: { states: ['replied'], owner: 'caller', filter: 'callback_due', label: 'cases.queue.callback' },
  mine: { states: CASE_STATES, owner: 'reporter', label: 'cases.queue.mine' },
}

/** The queues that show a state (without the reporter's own `mine`). */
export const queuesOf = (s: CaseState): CaseQueue[] => CASE_QUEUES.filter((q) => q !== 'mine' && CASE_QUEUE_TABLE[q].states.includes(s))

// ---- who ------------------------------------------------------------------------------------------------
/**
 * Who may act, in words. `dispatcher`: a dispatching role at or above the region of the case's level.
 * `handler`: the unit the case is dispatched to, its handler or the leader who claimed it. `leader`: may claim
 * (cases.claim). `supervisor`: may urge and supervise (cases.supervise). `reporter`: the signed-in user who
 * raised it as its reporter, if they did not handle it, or the resident by the tracking code. `raiser`: the
 * cadre who raised it. `caller`: staff recording the rating a reporter gives on a 回访 call (later). `system`:
 * the server itself (jobs, other platforms, side effects of another case's action).
 */
export type CaseRole = 'dispatcher' | 'handler' | 'leader' | 'supervisor' | 'reporter' | 'raiser' | 'caller' | 'system'

/** Role names in the 403 message. */
export const CASE_ROLE_WORDS: Record<CaseRole, string> = {
  dispatcher: '本级交办人',
  handler: '承办单位或承办人',
  leader: '领导',
  supervisor: '督办领导',
  reporter: '反映人(未经办该事项)',
  raiser: '上报人',
  caller: '回访人员',
  system: '系统',
}

// ---- action bodies ----------------------------------------------------------------------------------------
const LevelSchema = Type.Enum(CASE_LEVELS)
const Note = Type.Optional(Type.String({ maxLength: 1000 }))
const Reason = Type.String({ minLength: 1, maxLength: 1000 })
const Result = Type.String({ minLength: 1, maxLength: 5000 })
/** 处理后照片: photos the answerer uploaded to the case first (POST /api/cases/:id/files); the resident sees them. */
const PhotoIds = Type.Optional(Type.Array(UuidSchema, { maxItems: REPLY_PHOTOS_MAX, uniqueItems: true, description: 'result photos: ids of the answerer’s own photos on this case' }))
export const REJECT_KINDS = ['spam', 'not_government', 'duplicate', 'other'] as const

/** One body schema per action (its route validates it; OpenAPI shows it). */
export const ACTION_BODIES = {
  dispatch: Type.Object(
    {
      unitId: UuidSchema,
      handlerId: Type.Optional(Nullable(UuidSchema)),
      level: Type.Optional(LevelSchema),
      note: Note,
      // The category the dispatcher confirms or corrects (issue 14): it is set on the case and the brain learns from it.
      categoryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    },
    { additionalProperties: false },
  ),
  accept: Type.Object({ note: Note }, { additionalProperties: false }),
  return: Type.Object({ reason: Reason }, { additionalProperties: false }),
  transfer: Type.Object({ unitId: UuidSchema, reason: Reason }, { additionalProperties: false }),
  extend: Type.Object({ days: Type.Integer({ minimum: 1, maximum: MAX_EXTENSION_DAYS }), reason: Reason }, { additionalProperties: false }),
  approve_extension: Type.Object({ approved: Type.Boolean(), note: Note }, { additionalProperties: false }),
  escalate: Type.Object({ reason: Reason }, { additionalProperties: false }),
  claim: Type.Object({ note: Note }, { additionalProperties: false }),
  urge: Type.Object({ note: Note }, { additionalProperties: false }),
  supervise: Type.Object({ level: Type.Enum(SUPERVISION_LEVELS), note: Note }, { additionalProperties: false }),
  reply: Type.Object({ result: Result, photoIds: PhotoIds }, { additionalProperties: false }),
  rate: Type.Object({ rating: Type.Enum(RATINGS), comment: Note }, { additionalProperties: false }),
  reopen: Type.Object({ reason: Reason, escalate: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  merge: Type.Object({ intoCaseId: UuidSchema, note: Note }, { additionalProperties: false }),
  reject: Type.Object({ reason: Reason, kind: Type.Enum(REJECT_KINDS) }, { additionalProperties: false }),
  resolve_on_spot: Type.Object({ result: Result, photoIds: PhotoIds }, { additionalProperties: false }),
} as const satisfies Record<CaseAction, Type.TSchema>
export type ActionBody<A extends CaseAction> = Type.Static<(typeof ACTION_BODIES)[A]>

// ---- actions ----------------------------------------------------------------------------------------------
/** Where an action leads: a state, `same` (a mark: the state stays), or one of several chosen by the body or the case. */
export type ActionTarget = CaseState | 'same' | readonly (CaseState | 'same')[]

export interface CaseActionSpec {
  from: readonly CaseState[]
  to: ActionTarget
  who: readonly CaseRole[]
  /** Beyond state and role, in words; the server checks it (a failed guard answers 409). */
  guard?: string
  /** vue-i18n key of its button label. */
  label: string
  /** Route summary (OpenAPI). */
  summary: string
}

const act = (from: readonly CaseState[], to: ActionTarget, who: readonly CaseRole[], summary: string, a: CaseAction, guard?: string): CaseActionSpec => ({
  from,
  to,
  who,
  summary,
  label: `cases.action.${a}`,
  ...(guard ? { guard } : {}),
})

/** What users do (one route each: POST /api/cases/:id/actions/<action>). */
export const CASE_ACTION_TABLE: Record<CaseAction, CaseActionSpec> = {
  dispatch: act(
    DISPATCHABLE_STATES,
    'dispatched',
    ['dispatcher'],
    '交办 Dispatch to a unit (and handler) at this level or below',
    'dispatch',
    'unit in the dispatcher’s area; handler a member of it; level at or below the case’s',
  ),
  accept: act(['dispatched'], 'accepted', ['handler'], '签收 Accept a dispatched case', 'accept'),
  return: act(['dispatched'], 'returned', ['handler'], '退回 Return to the dispatcher (clock paused)', 'return', `within ${RETURN_WINDOW_DAYS} working days of receiving it`),
  transfer: act(['dispatched', 'accepted'], 'dispatched', ['dispatcher'], '转办 Transfer to another unit', 'transfer', 'not to the same unit'),
  extend: act(['accepted'], 'extension_requested', ['handler'], '申请延期 Ask for more working days (clock paused)', 'extend', `extensions total at most ${MAX_EXTENSION_DAYS} working days`),
  approve_extension: act(
    ['extension_requested'],
    'accepted',
    ['dispatcher'],
    '审批延期 Approve or refuse a pending extension',
    'approve_extension',
    'not by the case’s own handler or unit: a dispatcher who asked never approves it (403)',
  ),
  escalate: act(
    ['new', 'dispatched', 'accepted', 'returned', 'reopened', 'escalated'],
    'escalated',
    ['dispatcher', 'handler', 'raiser'],
    '上报 Escalate one level up',
    'escalate',
    'not at county level; the raiser only while new',
  ),
  claim: act(['new', 'escalated', 'reopened', 'returned', 'dispatched', 'accepted'], 'accepted', ['leader'], '领导认领 A leader takes the case on', 'claim'),
  urge: act(OPEN_STATES, 'same', ['supervisor', 'dispatcher'], '催办 Urge whoever holds the case', 'urge'),
  supervise: act(OPEN_STATES, 'same', ['supervisor'], '督办 Supervise (normal, yellow or red card)', 'supervise'),
  reply: act(['accepted'], 'replied', ['handler'], '答复 Answer the reporter', 'reply'),
  rate: act(
    ['replied'],
    ['closed', 'reopened'],
    ['reporter', 'caller'],
    '评价 The reporter rates the answer: satisfied closes, unsatisfied reopens (from the second time one level up)',
    'rate',
    'not rated yet; never by someone who handled the case',
  ),
  reopen: act(['replied'], 'reopened', ['dispatcher'], '重办 A dispatcher reopens an inadequate answer before it is rated', 'reopen', 'not rated yet'),
  merge: act(
    ['new', 'dispatched', 'escalated', 'reopened'],
    'merged',
    ['dispatcher'],
    '并案 Merge into an open case of the same village',
    'merge',
    'target open or replied, visible, same village, not itself',
  ),
  reject: act(['new', 'escalated', 'reopened'], 'rejected', ['dispatcher'], '不予受理 Reject with a reason', 'reject'),
  resolve_on_spot: act(
    ['new'],
    'replied',
    ['raiser'],
    '当场解决 Resolved on the spot by the raising cadre (grid or village level)',
    'resolve_on_spot',
    'grid or village level; the reporter rates by the tracking code',
  ),
}

/** What the server does by itself, as the system actor; each writes its timeline row like a user's action. */
export type SystemAction =
  'warn' | 'overdue' | 'accept_overdue' | 'auto_close' | 'external_update' | 'merged_from' | 'answered_via_merge' | 'comment' | 'media_link' | 'attach' | 'callback' | 'triage' | 'push'

export interface SystemActionSpec {
  from: readonly CaseState[]
  to: ActionTarget
  what: string
}

export const SYSTEM_ACTION_TABLE: Record<SystemAction, SystemActionSpec> = {
  warn: { from: CLOCK_RUNNING_STATES, to: 'same', what: `warning mark at ${WARN_SHARE * 100} % of the time limit` },
  overdue: { from: CLOCK_RUNNING_STATES, to: 'same', what: 'overdue mark after the time limit' },
  accept_overdue: { from: ['dispatched'], to: 'same', what: `not accepted within ${ACCEPT_WITHIN_DAYS} working day` },
  auto_close: { from: ['replied'], to: 'closed', what: `replied, unrated for ${AUTO_CLOSE_DAYS} days` },
  // Another platform's re-delivery: fields change in any state; a live case may finish as the other side did.
  external_update: { from: CASE_STATES, to: ['same', 'closed', 'replied', 'rejected'], what: 'an import or push updates (or finishes) the case' },
  merged_from: { from: [...OPEN_STATES, 'replied'], to: 'same', what: 'another case was merged into this one' },
  answered_via_merge: { from: ['merged'], to: 'same', what: 'the case it was merged into was answered' },
  comment: { from: CASE_STATES, to: 'same', what: 'a connected system’s comment' },
  media_link: { from: CASE_STATES, to: 'same', what: 'a link to a connected system’s media' },
  attach: { from: CASE_STATES.filter((s) => !isTerminalState(s)), to: 'same', what: 'a photo added' },
  // 回访: one call to the reporter (reached or not); the rating it records is the table's `rate` by a `caller`.
  callback: { from: CASE_STATES, to: 'same', what: 'a call-back attempt, with its outcome' },
  // 民情大脑 (issue 14): at intake, the category suggestion (applied above the confidence threshold) and the
  // urgency raised by emergency signals; a push of an urgent case to the town's leaders and the duty officer.
  triage: { from: CASE_STATES, to: 'same', what: 'the brain’s category suggestion and urgency at intake' },
  push: { from: CASE_STATES.filter((s) => !isTerminalState(s)), to: 'same', what: 'pushed to the town leaders and the county duty officer' },
}

/** The states an action may lead to (for checks and documentation). */
export function targetsOf(to: ActionTarget, from: CaseState): CaseState[] {
  if (to === 'same') return [from]
  if (typeof to === 'string') return [to]
  return to.map((s) => (s === 'same' ? from : s))
}
