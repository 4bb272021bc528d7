import { ApiError } from './client.ts'

type Translate = (key: string, named?: Record<string, unknown>) => string
type HasKey = (key: string) => boolean

export interface ErrorDescription {
  /** What to show first: the translated text for a known error code, else the server's message. */
  title: string
  /** The server's own message when it adds something to the translated title. */
  detail?: string
  code: string
}

/** Codes whose server message only restates the code: the translated title says it all. */
const SELF_EXPLANATORY = new Set(['INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS', 'ACCOUNT_DISABLED', 'WRONG_PASSWORD', 'UNAUTHENTICATED', 'SESSION_EXPIRED', 'FORBIDDEN', 'NETWORK_ERROR'])

function retryMinutes(details: unknown): number | null {
  const s = (details as { retryAfterSeconds?: unknown } | null | undefined)?.retryAfterSeconds
  if (typeof s === 'number' && Number.isFinite(s) && s > 0) return Math.max(1, Math.ceil(s / 60))
  return null
}

/** Turns anything thrown by an API call into text for the UI (translated by error code when we know it). */
export function describeError(err: unknown, t: Translate, te: HasKey): ErrorDescription {
  if (err instanceof ApiError) {
    const key = `errors.${err.code}`
    let title: string
    if (err.code === 'TOO_MANY_ATTEMPTS') {
      const minutes = retryMinutes(err.details)
      title = minutes === null ? t('errors.TOO_MANY_ATTEMPTS_NOW') : t('errors.TOO_MANY_ATTEMPTS', { minutes })
    } else if (te(key)) {
      title = t(key)
    } else {
      title = err.message || t('errors.unknown')
    }
    const detail = err.message && err.message !== title && te(key) && !SELF_EXPLANATORY.has(err.code) ? err.message : undefined
    return { title, detail, code: err.code }
  }
  const message = (err as Error)?.message
  return { title: message || t('errors.unknown'), code: 'UNKNOWN' }
}

/** One-line text for toasts/messages. */
export function errorText(err: unknown, t: Translate, te: HasKey): string {
  return describeError(err, t, te).title
}

function fieldFromPath(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const parts = raw
    .replace(/\[(\d+)\]/g, '.$1')
    .split(/[/.]/)
    .filter((p) => p !== '' && p !== 'body' && p !== 'querystring' && p !== 'params')
  return parts.length ? parts[0] : null
}

function addProblem(out: Record<string, string>, field: string | null, message: unknown): void {
  if (!field) return
  const text = Array.isArray(message) ? message.filter((m) => typeof m === 'string').join('；') : message
  if (typeof text !== 'string' || !text) return
  out[field] = out[field] ? `${out[field]}；${text}` : text
}

function fromItem(out: Record<string, string>, item: unknown): void {
  if (!item || typeof item !== 'object') return
  const o = item as Record<string, unknown>
  const params = o.params as Record<string, unknown> | undefined
  const field =
    fieldFromPath(o.field) ??
    fieldFromPath(o.path) ??
    fieldFromPath(o.instancePath) ??
    fieldFromPath(o.property) ??
    fieldFromPath(o.name) ??
    fieldFromPath(params?.missingProperty) ??
    fieldFromPath(params?.additionalProperty)
  addProblem(out, field, o.message ?? o.error ?? o.reason)
}

/**
 * Field problems from `error.details`, as `{ field: message }`. Accepts the shapes a server is likely to send:
 * an array of `{ path | instancePath | field, message }` (Ajv/TypeBox style, `/phone`, `body.phone`, `/roles/0`),
 * an object holding such an array under `errors`/`issues`/`fields`/`problems`, or a plain `{ field: message }` map.
 */
export function fieldErrors(details: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!details) return out
  if (Array.isArray(details)) {
    for (const item of details) fromItem(out, item)
    return out
  }
  if (typeof details !== 'object') return out
  const o = details as Record<string, unknown>
  for (const key of ['errors', 'issues', 'problems', 'fields', 'validation']) {
    const nested = o[key]
    if (Array.isArray(nested)) {
      for (const item of nested) fromItem(out, item)
      return out
    }
    if (nested && typeof nested === 'object') return fieldErrors(nested)
  }
  if ('message' in o && ('field' in o || 'path' in o || 'instancePath' in o)) {
    fromItem(out, o)
    return out
  }
  const meta = new Set(['field', 'path', 'instancePath', 'code', 'retryAfterSeconds'])
  for (const [key, value] of Object.entries(o)) {
    if (meta.has(key)) continue
    if (typeof value === 'string' || Array.isArray(value)) addProblem(out, fieldFromPath(key), value)
  }
  return out
}
