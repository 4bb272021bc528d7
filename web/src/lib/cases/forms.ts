/** Raising a case (新建事项 in the console, 随手报 on the phone): the form and the body it becomes. */
import { phoneProblem, type CreateCase } from '@minqing/common'

export type Urgency = 'normal' | 'urgent' | 'emergency'
export const URGENCIES: readonly Urgency[] = ['normal', 'urgent', 'emergency']
/** Who reported it: the signed-in user themself, a named resident (name and/or phone), or anonymous. */
export type ReporterMode = 'self' | 'named' | 'anonymous'
/** How the matter reached us (the console offers these two; the phone is on the spot = walk_in). */
export type IntakeChannel = 'hotline' | 'walk_in'

export interface CaseFormState {
  regionCode: string | null
  categoryCode: string | null
  urgency: Urgency
  title: string
  description: string
  reporterMode: ReporterMode
  reporterName: string
  reporterPhone: string
  channel: IntakeChannel | undefined
  /** Sent with the request so that a resend (flaky network) does not raise the case twice. */
  clientId: string
}

/** A random id for idempotent intake (`^[A-Za-z0-9_-]{8,64}$`). */
export function newClientId(): string {
  const bytes = new Uint8Array(12)
  globalThis.crypto?.getRandomValues?.(bytes)
  if (!bytes.some((b) => b !== 0)) for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  return 'web_' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function emptyCaseForm(opts: { regionCode?: string | null; reporterMode?: ReporterMode; channel?: IntakeChannel } = {}): CaseFormState {
  return {
    regionCode: opts.regionCode ?? null,
    categoryCode: null,
    urgency: 'normal',
    title: '',
    description: '',
    reporterMode: opts.reporterMode ?? 'self',
    reporterName: '',
    reporterPhone: '',
    channel: opts.channel,
    clientId: newClientId(),
  }
}

const squash = (s: string) => s.replace(/\s+/g, '')

/** Problems as `{ field: i18n key }` (empty: ready to send). */
export function caseFormProblems(f: CaseFormState): Partial<Record<keyof CaseFormState, string>> {
  const out: Partial<Record<keyof CaseFormState, string>> = {}
  if (!f.regionCode) out.regionCode = 'cases.form.required'
  if (!f.title.trim()) out.title = 'cases.form.required'
  else if (f.title.trim().length > 100) out.title = 'cases.form.tooLong'
  if (!f.description.trim()) out.description = 'cases.form.required'
  else if (f.description.trim().length > 5000) out.description = 'cases.form.tooLong'
  if (f.reporterMode === 'named') {
    if (!f.reporterName.trim() && !squash(f.reporterPhone)) out.reporterName = 'cases.form.nameOrPhone'
    if (f.reporterName.trim().length > 40) out.reporterName = 'cases.form.tooLong'
    if (squash(f.reporterPhone) && phoneProblem(squash(f.reporterPhone))) out.reporterPhone = 'cases.form.badPhone'
  }
  return out
}

export function buildCreateCase(f: CaseFormState): CreateCase {
  const body: CreateCase = {
    regionCode: f.regionCode ?? '',
    title: f.title.trim(),
    description: f.description.trim(),
    urgency: f.urgency,
    clientId: f.clientId,
  }
  if (f.categoryCode) body.categoryCode = f.categoryCode
  if (f.channel) body.channel = f.channel
  if (f.reporterMode === 'anonymous') body.reporter = { anonymous: true }
  if (f.reporterMode === 'named') {
    const reporter: NonNullable<CreateCase['reporter']> = {}
    if (f.reporterName.trim()) reporter.name = f.reporterName.trim()
    if (squash(f.reporterPhone)) reporter.phone = squash(f.reporterPhone)
    body.reporter = reporter
  }
  return body
}

/** Error codes of the create request that belong to one field. */
export const CASE_FORM_ERROR_FIELDS: Record<string, keyof CaseFormState> = {
  UNKNOWN_REGION: 'regionCode',
  INVALID_REGION_LEVEL: 'regionCode',
  UNKNOWN_CATEGORY: 'categoryCode',
  INVALID_PHONE: 'reporterPhone',
}
