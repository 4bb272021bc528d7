/**
 * The 民情码 report page's logic, kept out of the component so it can be tested: the form, its checks, the multipart
 * body, and what to do with the form token's refusals.
 */
import { isMainlandMobile, isPublicStep, PUBLIC_DESCRIPTION_MAX, PUBLIC_NAME_MAX, type PublicCaseView, type PublicQrInfo } from '@minqing/common'
import { ApiError } from '../../api/client.ts'

export interface ReportFormState {
  description: string
  categoryCode: string | null
  anonymous: boolean
  name: string
  phone: string
  lat: number | null
  lng: number | null
}

export const emptyReportForm = (): ReportFormState => ({ description: '', categoryCode: null, anonymous: false, name: '', phone: '', lat: null, lng: null })

const normalizePhone = (raw: string) => raw.replace(/[\s-]+/g, '')

/** i18n keys of what is wrong, per field; empty when the form can be sent. */
export function reportProblems(f: ReportFormState): Partial<Record<'description' | 'name' | 'phone', string>> {
  const out: Partial<Record<'description' | 'name' | 'phone', string>> = {}
  if (!f.description.trim()) out.description = 'publicReport.form.descriptionRequired'
  else if ([...f.description].length > PUBLIC_DESCRIPTION_MAX) out.description = 'publicReport.form.descriptionTooLong'
  if (!f.anonymous) {
    if ([...f.name.trim()].length > PUBLIC_NAME_MAX) out.name = 'publicReport.form.nameTooLong'
    const phone = normalizePhone(f.phone)
    if (phone && !isMainlandMobile(phone)) out.phone = 'publicReport.form.phoneInvalid'
  }
  return out
}

export interface PhotoPart {
  blob: Blob
  name: string
}

/** The multipart body: text fields as the server's JSON body names them, then the photos. */
export function buildReportForm(f: ReportFormState, opts: { code: string; token: string; clientId: string; photos: readonly PhotoPart[] }): FormData {
  const form = new FormData()
  form.append('code', opts.code)
  form.append('token', opts.token)
  form.append('clientId', opts.clientId)
  form.append('description', f.description.trim())
  if (f.categoryCode) form.append('categoryCode', f.categoryCode)
  if (f.lat !== null && f.lng !== null) {
    form.append('lat', String(f.lat))
    form.append('lng', String(f.lng))
  }
  if (f.anonymous) {
    form.append('anonymous', 'true')
  } else {
    if (f.name.trim()) form.append('name', f.name.trim())
    if (normalizePhone(f.phone)) form.append('phone', normalizePhone(f.phone))
  }
  for (const p of opts.photos) form.append('photos', p.blob, p.name)
  return form
}

type Categories = PublicQrInfo['categories']

/** Vant cascader options: top level, then its children. */
export function categoryOptions(categories: Categories) {
  return categories.map((c) => ({
    text: c.name,
    value: c.code,
    children: c.children.length ? c.children.map((s) => ({ text: s.name, value: s.code })) : undefined,
  }))
}

/** `道路交通 / 路灯故障`, or null for an unknown code. */
export function categoryLabel(categories: Categories, code: string | null): string | null {
  if (!code) return null
  for (const c of categories) {
    if (c.code === code) return c.name
    const s = c.children.find((x) => x.code === code)
    if (s) return `${c.name} / ${s.name}`
  }
  return null
}

/** How long to hold a submit so the form token is old enough (the page's clock, from when the token arrived). */
export function waitBeforeSubmit(tokenReceivedAt: number, minFillSeconds: number, now = Date.now()): number {
  return Math.max(0, tokenReceivedAt + minFillSeconds * 1000 + 250 - now)
}

/**
 * What a refusal of the form token asks for: wait and send again (too fast), fetch a new token and send again
 * (expired, used, invalid, missing), or nothing (anything else is the resident's to fix or read).
 */
export function tokenRetry(err: unknown): { kind: 'wait'; ms: number } | { kind: 'refresh' } | null {
  if (!(err instanceof ApiError)) return null
  if (err.code === 'FORM_TOO_FAST') {
    const ms = (err.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs
    return { kind: 'wait', ms: typeof ms === 'number' && ms > 0 ? Math.min(ms + 250, 10_000) : 3000 }
  }
  if (['FORM_TOKEN_EXPIRED', 'FORM_TOKEN_USED', 'FORM_TOKEN_INVALID', 'FORM_TOKEN_MISSING'].includes(err.code)) return { kind: 'refresh' }
  return null
}

/** The four steps of the progress bar; a refused or merged case shows its own notice instead. */
export const STAGE_STEPS = ['received', 'in_progress', 'replied', 'closed'] as const
export function stageIndex(stage: PublicCaseView['stage']): number {
  return (STAGE_STEPS as readonly string[]).indexOf(stage)
}

/** The i18n key (and its values) of a timeline row, in the resident's words. */
export function stepText(step: PublicCaseView['steps'][number]): { key: string; named: Record<string, string> } {
  const action = isPublicStep(step.action) ? step.action : 'other'
  const withUnit = (action === 'dispatch' || action === 'transfer') && step.unit
  return { key: `publicReport.step.${action}${withUnit ? 'To' : ''}`, named: { unit: step.unit ?? '' } }
}
