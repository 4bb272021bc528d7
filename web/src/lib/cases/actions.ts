/**
 * Case actions on screen: which fields each action's dialog asks for, how the filled form becomes the body
 * the server wants (ACTION_BODIES in @minqing/common/cases.ts), what is missing before sending, and in which
 * order the buttons stand. Which actions a user may take right now is the server's answer (`allowedActions`).
 */
import { CASE_LEVELS, type CaseAction, type CaseDetail, type CaseLevel, MAX_EXTENSION_DAYS, REJECT_KINDS as LIFECYCLE_REJECT_KINDS } from '@minqing/common'
import { levelOfRegionCode } from './format.ts'

export type SupervisionLevel = 'normal' | 'yellow' | 'red'
export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied'
export type RejectKind = 'spam' | 'not_government' | 'duplicate' | 'other'
export const REJECT_KINDS: readonly RejectKind[] = LIFECYCLE_REJECT_KINDS
export const RATING_VALUES: readonly Rating[] = ['satisfied', 'basically_satisfied', 'unsatisfied']
export const SUPERVISION_VALUES: readonly SupervisionLevel[] = ['normal', 'yellow', 'red']
/** At most this many working days of extension in all (the lifecycle table's limit). */

export type FieldKind =
  | 'unit' // unit picker (dispatch, transfer)
  | 'handler' // person of the chosen unit (optional; left out when the user list is not open to the caller)
  | 'level' // level to dispatch at
  | 'textarea' // free text (note, reason, result, comment)
  | 'days' // 1–10 working days
  | 'approved' // yes / no
  | 'supervision' // normal / yellow / red card
  | 'rating' // satisfied / basically / unsatisfied
  | 'escalate' // reopen one level up
  | 'case' // target case of a merge
  | 'rejectKind' // why not accepted
  | 'photos' // result photos of an answer (uploaded first, then named by id)

export type FieldKey =
  'unitId' | 'handlerId' | 'level' | 'note' | 'reason' | 'result' | 'comment' | 'days' | 'approved' | 'supervision' | 'rating' | 'escalate' | 'intoCaseId' | 'rejectKind' | 'photoIds'

export interface ActionField {
  key: FieldKey
  kind: FieldKind
  required: boolean
  /** Longest text the server takes. */
  max?: number
}

const note: ActionField = { key: 'note', kind: 'textarea', required: false, max: 1000 }
const reason: ActionField = { key: 'reason', kind: 'textarea', required: true, max: 1000 }
const result: ActionField = { key: 'result', kind: 'textarea', required: true, max: 5000 }
/** 处理后照片: shown to the resident with the answer. */
const photos: ActionField = { key: 'photoIds', kind: 'photos', required: false }

/** The dialog of each action, field by field, in the order shown. */
export const ACTION_FIELDS: Record<CaseAction, readonly ActionField[]> = {
  dispatch: [{ key: 'unitId', kind: 'unit', required: true }, { key: 'handlerId', kind: 'handler', required: false }, { key: 'level', kind: 'level', required: false }, note],
  accept: [note],
  return: [reason],
  transfer: [{ key: 'unitId', kind: 'unit', required: true }, reason],
  extend: [{ key: 'days', kind: 'days', required: true }, reason],
  approve_extension: [{ key: 'approved', kind: 'approved', required: true }, note],
  escalate: [reason],
  claim: [note],
  urge: [note],
  supervise: [{ key: 'supervision', kind: 'supervision', required: true }, note],
  reply: [result, photos],
  rate: [
    { key: 'rating', kind: 'rating', required: true },
    { key: 'comment', kind: 'textarea', required: false, max: 1000 },
  ],
  reopen: [reason, { key: 'escalate', kind: 'escalate', required: false }],
  merge: [{ key: 'intoCaseId', kind: 'case', required: true }, note],
  reject: [{ key: 'rejectKind', kind: 'rejectKind', required: true }, reason],
  resolve_on_spot: [result, photos],
}

export interface ActionForm {
  unitId: string | null
  handlerId: string | null
  level: CaseLevel | undefined
  note: string
  reason: string
  result: string
  comment: string
  days: number
  approved: boolean | undefined
  supervision: SupervisionLevel | undefined
  rating: Rating | undefined
  escalate: boolean
  intoCaseId: string | null
  rejectKind: RejectKind | undefined
  photoIds: string[]
}

type CaseFacts = Pick<CaseDetail, 'level' | 'regionCode' | 'suggestedUnit' | 'supervision' | 'extensionDays' | 'unit' | 'id'>

const NEXT_CARD: Record<string, SupervisionLevel> = { none: 'normal', normal: 'yellow', yellow: 'red', red: 'red' }

/** A fresh form for an action on a case: the suggested unit preselected for dispatch, the next card for supervise… */
export function initialActionForm(action: CaseAction, c: CaseFacts): ActionForm {
  return {
    unitId: action === 'dispatch' ? (c.suggestedUnit?.id ?? null) : null,
    handlerId: null,
    level: action === 'dispatch' ? c.level : undefined,
    note: '',
    reason: '',
    result: '',
    comment: '',
    days: 1,
    approved: action === 'approve_extension' ? true : undefined,
    supervision: action === 'supervise' ? NEXT_CARD[c.supervision ?? 'none'] : undefined,
    rating: undefined,
    escalate: false,
    intoCaseId: null,
    rejectKind: undefined,
    photoIds: [],
  }
}

/** Working days still open to an extension request. */
export const maxExtensionDays = (c: Pick<CaseDetail, 'extensionDays'>) => Math.max(0, MAX_EXTENSION_DAYS - (c.extensionDays ?? 0))

/** Levels a dispatcher may hand the case to: from the case region's own level up to the case's level. */
export function dispatchLevels(c: Pick<CaseDetail, 'level' | 'regionCode'>): CaseLevel[] {
  const top = CASE_LEVELS.indexOf(c.level)
  const own = levelOfRegionCode(c.regionCode)
  const bottom = own ? Math.min(CASE_LEVELS.indexOf(own), top) : top
  return CASE_LEVELS.slice(bottom, top + 1).reverse()
}

/** Problems of a filled form, as `{ field: i18n key }` (empty: ready to send). */
export function actionProblems(action: CaseAction, form: ActionForm, c: CaseFacts): Partial<Record<FieldKey, string>> {
  const out: Partial<Record<FieldKey, string>> = {}
  for (const f of ACTION_FIELDS[action]) {
    const v = form[f.key]
    const empty = v === null || v === undefined || (typeof v === 'string' && v.trim() === '')
    if (f.required && empty) out[f.key] = 'cases.form.required'
    else if (f.max && typeof v === 'string' && v.trim().length > f.max) out[f.key] = 'cases.form.tooLong'
  }
  if (action === 'extend') {
    const max = maxExtensionDays(c)
    if (!Number.isInteger(form.days) || form.days < 1 || form.days > max) out.days = max ? 'cases.form.daysRange' : 'cases.form.noExtensionLeft'
  }
  if (action === 'transfer' && form.unitId && c.unit && form.unitId === c.unit.id) out.unitId = 'cases.form.sameUnit'
  if (action === 'merge' && form.intoCaseId && form.intoCaseId === c.id) out.intoCaseId = 'cases.form.mergeSelf'
  return out
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined)
/** Leaves out undefined values (the server's schemas reject unknown keys, not missing optional ones). */
const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

/** The request body of an action, exactly the fields its schema has. */
export function buildActionBody(action: CaseAction, form: ActionForm): Record<string, unknown> {
  switch (action) {
    case 'dispatch':
      return compact({ unitId: form.unitId, handlerId: form.handlerId || undefined, level: form.level || undefined, note: opt(form.note) })
    case 'accept':
    case 'claim':
    case 'urge':
      return compact({ note: opt(form.note) })
    case 'return':
    case 'escalate':
      return { reason: form.reason.trim() }
    case 'transfer':
      return { unitId: form.unitId, reason: form.reason.trim() }
    case 'extend':
      return { days: form.days, reason: form.reason.trim() }
    case 'approve_extension':
      return compact({ approved: form.approved === true, note: opt(form.note) })
    case 'supervise':
      return compact({ level: form.supervision, note: opt(form.note) })
    case 'reply':
    case 'resolve_on_spot':
      return compact({ result: form.result.trim(), photoIds: form.photoIds.length ? [...form.photoIds] : undefined })
    case 'rate':
      return compact({ rating: form.rating, comment: opt(form.comment) })
    case 'reopen':
      return compact({ reason: form.reason.trim(), escalate: form.escalate ? true : undefined })
    case 'merge':
      return compact({ intoCaseId: form.intoCaseId, note: opt(form.note) })
    case 'reject':
      return { reason: form.reason.trim(), kind: form.rejectKind }
  }
}

/** Buttons in the order of the work: the next step first, supervision and refusals last. */
export const ACTION_ORDER: readonly CaseAction[] = [
  'dispatch',
  'accept',
  'reply',
  'resolve_on_spot',
  'rate',
  'reopen',
  'approve_extension',
  'claim',
  'extend',
  'transfer',
  'return',
  'escalate',
  'urge',
  'supervise',
  'merge',
  'reject',
]

export type ButtonType = 'primary' | 'success' | 'warning' | 'danger' | 'default'
export const ACTION_BUTTON: Record<CaseAction, ButtonType> = {
  dispatch: 'primary',
  accept: 'primary',
  reply: 'primary',
  resolve_on_spot: 'success',
  rate: 'primary',
  reopen: 'warning',
  approve_extension: 'primary',
  claim: 'warning',
  extend: 'default',
  transfer: 'default',
  return: 'default',
  escalate: 'warning',
  urge: 'default',
  supervise: 'danger',
  merge: 'default',
  reject: 'danger',
}

/**
 * The buttons to show: the server's allowedActions, in ACTION_ORDER. Two the server lists but would refuse
 * are left out: `rate` once a rating is recorded (it answers 409, "unsatisfied → reopen"), `escalate` at the
 * county level (409 TOP_LEVEL).
 */
export function visibleActions(c: Pick<CaseDetail, 'allowedActions' | 'rating' | 'level'>): CaseAction[] {
  const allowed = new Set(c.allowedActions)
  return ACTION_ORDER.filter((a) => allowed.has(a))
    .filter((a) => !(a === 'rate' && c.rating))
    .filter((a) => !(a === 'escalate' && c.level === 'county'))
}

/** Error codes of an action that belong to one field of its dialog. */
export const ACTION_ERROR_FIELDS: Partial<Record<string, FieldKey>> = {
  UNKNOWN_UNIT: 'unitId',
  UNKNOWN_USER: 'handlerId',
  EXTENSION_LIMIT: 'days',
}
