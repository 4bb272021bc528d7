/** 来电来访登记: the operator's form for a call or a visitor, and the case it becomes (POST /api/cases). */
import { phoneProblem, type Category, type CreateCase, type PersonLookupItem } from '@minqing/common'
import { newClientId, type Urgency } from '../cases/forms.ts'

export type HotlineChannel = 'hotline' | 'walk_in'
/** A person of the archive, a caller who gives a name and/or phone, or one who stays anonymous. */
export type CallerMode = 'person' | 'named' | 'anonymous'

export interface HotlineForm {
  channel: HotlineChannel
  phone: string
  callerMode: CallerMode
  person: PersonLookupItem | null
  name: string
  regionCode: string | null
  categoryCode: string | null
  /** The operator chose the category (cascader or a suggestion clicked); until then the top suggestion is applied. */
  categoryByOperator: boolean
  urgency: Urgency
  title: string
  description: string
  location: string
  clientId: string
}

export function emptyHotlineForm(opts: { regionCode?: string | null; channel?: HotlineChannel } = {}): HotlineForm {
  return {
    channel: opts.channel ?? 'hotline',
    phone: '',
    callerMode: 'named',
    person: null,
    name: '',
    regionCode: opts.regionCode ?? null,
    categoryCode: null,
    categoryByOperator: false,
    urgency: 'normal',
    title: '',
    description: '',
    location: '',
    clientId: newClientId(),
  }
}

/** The phone as typed, without spaces or a +86 prefix (what the server keeps and looks up). */
export function normalisePhone(raw: string): string {
  const v = raw.replace(/[\s\u3000]+/g, '')
  return /^\+?861[3-9]\d{9}$/.test(v) ? v.replace(/^\+?86/, '') : v
}

/** Whether the phone is complete enough to look up (a mobile's 11 digits, or a landline with area code). */
export const lookupReady = (raw: string) => {
  const v = normalisePhone(raw)
  return v.length >= 7 && phoneProblem(v) === null
}

/** Picking the caller from the archive: the case is theirs, and lands in their household's region unless one was chosen. */
export function pickPerson(form: HotlineForm, p: PersonLookupItem): void {
  form.person = p
  form.callerMode = 'person'
  form.name = p.name
  if (!form.regionCode) form.regionCode = p.regionCode
}

export function clearPerson(form: HotlineForm): void {
  form.person = null
  if (form.callerMode === 'person') form.callerMode = 'named'
}

/**
 * The keyword suggestion applied: while the operator has not chosen a category, the form carries the best
 * suggestion for what was said (so the case gets its category, unit and time limit); a choice of theirs is
 * never overwritten. With no suggestion the form keeps what it has.
 */
export function applySuggestion(form: Pick<HotlineForm, 'categoryCode' | 'categoryByOperator'>, best: string | undefined): void {
  if (!form.categoryByOperator && best) form.categoryCode = best
}

/**
 * The time limit the case will run on (its category's, by urgency), as an i18n key and count; the clock itself
 * starts when the case is dispatched. Null without a category (the county's default limit then applies).
 */
export function timeLimitOf(category: Pick<Category, 'limits'> | undefined, urgency: Urgency): { key: string; n: number } | null {
  if (!category) return null
  if (urgency === 'emergency') return { key: 'caseImports.hotline.limitHours', n: category.limits.emergencyHours }
  return { key: 'caseImports.hotline.limitDays', n: urgency === 'urgent' ? category.limits.urgentDays : category.limits.normalDays }
}

/** The operator picks a category (or clears it): from now on it is theirs. */
export function chooseCategory(form: Pick<HotlineForm, 'categoryCode' | 'categoryByOperator'>, code: string | null): void {
  form.categoryCode = code
  form.categoryByOperator = true
}

/** Problems as `{ field: i18n key }` (empty: ready to send). */
export function hotlineProblems(f: HotlineForm): Partial<Record<keyof HotlineForm, string>> {
  const out: Partial<Record<keyof HotlineForm, string>> = {}
  if (!f.regionCode) out.regionCode = 'cases.form.required'
  if (!f.title.trim()) out.title = 'cases.form.required'
  else if (f.title.trim().length > 100) out.title = 'cases.form.tooLong'
  if (!f.description.trim()) out.description = 'cases.form.required'
  else if (f.description.trim().length > 5000) out.description = 'cases.form.tooLong'
  if (f.location.trim().length > 200) out.location = 'cases.form.tooLong'
  if (f.callerMode === 'person' && !f.person) out.phone = 'caseImports.hotline.pickPerson'
  if (f.callerMode === 'person' && f.person) {
    const phone = normalisePhone(f.phone)
    if (phone && phoneProblem(phone)) out.phone = 'cases.form.badPhone'
  }
  if (f.callerMode === 'named') {
    const phone = normalisePhone(f.phone)
    if (!f.name.trim() && !phone) out.name = 'cases.form.nameOrPhone'
    if (f.name.trim().length > 40) out.name = 'cases.form.tooLong'
    if (phone && phoneProblem(phone)) out.phone = 'cases.form.badPhone'
  }
  return out
}

export function buildHotlineCase(f: HotlineForm): CreateCase {
  const body: CreateCase = {
    channel: f.channel,
    regionCode: f.regionCode ?? '',
    title: f.title.trim(),
    description: f.description.trim(),
    urgency: f.urgency,
    clientId: f.clientId,
  }
  if (f.categoryCode) body.categoryCode = f.categoryCode
  if (f.location.trim()) body.address = f.location.trim()
  if (f.callerMode === 'person' && f.person) {
    // The number typed is the line the caller is on: it goes with the case (call-back, SMS, tracking code) even
    // when the archive holds another one; with none typed the server takes the person's own number.
    const phone = normalisePhone(f.phone)
    body.reporter = phone ? { personId: f.person.id, phone } : { personId: f.person.id }
  } else if (f.callerMode === 'anonymous') body.reporter = { anonymous: true }
  else {
    const reporter: NonNullable<CreateCase['reporter']> = {}
    if (f.name.trim()) reporter.name = f.name.trim()
    const phone = normalisePhone(f.phone)
    if (phone) reporter.phone = phone
    body.reporter = reporter
  }
  return body
}

/** What the duplicate search compares: the title and the description as typed so far. */
export function similarText(f: Pick<HotlineForm, 'title' | 'description'>): string {
  return `${f.title.trim()} ${f.description.trim()}`.trim()
}

/** The search is worth asking for once there is a region and a few characters of text. */
export const similarReady = (f: Pick<HotlineForm, 'regionCode' | 'title' | 'description'>) => !!f.regionCode && similarText(f).replace(/\s/g, '').length >= 4
