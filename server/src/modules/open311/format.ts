// The wire of GeoReport v2: formats by extension, XML as the spec prints it, W3C datetimes, status words.
import { isTerminalState } from '@minqing/common'

export type Format = 'json' | 'xml'

/**
 * `services.xml` → xml; `services.json` or no extension → json. Only the last path segment counts (category
 * codes such as `traffic.streetlight` contain dots, so `services/traffic.streetlight` is JSON).
 */
export function splitFormat(segment: string): { name: string; format: Format } {
  if (segment.endsWith('.xml')) return { name: segment.slice(0, -4), format: 'xml' }
  if (segment.endsWith('.json')) return { name: segment.slice(0, -5), format: 'json' }
  return { name: segment, format: 'json' }
}

/** The format a URL asks for (used for errors, where no route may have matched). */
export function formatOfUrl(url: string): Format {
  const path = url.split('?')[0]
  return splitFormat(path.slice(path.lastIndexOf('/') + 1)).format
}

// ---- XML ----------------------------------------------------------------------------------------
/** The element name of one item of each list the spec prints (`<services><service>…`). */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  service_request_updates: 'request_update',
}

// Characters XML 1.0 cannot carry at all, even escaped (C0 controls but tab/newline/return, lone surrogates,
// U+FFFE/U+FFFF): dropped, so stored text of any kind still gives a well-formed document.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue }

function element(name: string, value: XmlValue, indent: string): string {
  if (value === undefined) return ''
  if (value === null) return `${indent}<${name}></${name}>\n`
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name]
    if (!item) throw new Error(`no XML item name for list ${name}`)
    if (value.length === 0) return `${indent}<${name}></${name}>\n`
    return `${indent}<${name}>\n${value.map((v) => element(item, v, indent + '  ')).join('')}${indent}</${name}>\n`
  }
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([k, v]) => element(k, v, indent + '  '))
      .join('')
    return `${indent}<${name}>\n${inner}${indent}</${name}>\n`
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`
}

/** A whole document: `<?xml …?>` and the root element holding the JSON-shaped value. */
export function toXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, '')}`
}

// ---- datetimes ------------------------------------------------------------------------------------
const SHANGHAI_OFFSET_MS = 8 * 3600_000

/** W3C datetime with our offset (China has no daylight saving): `2026-11-21T09:30:00+08:00`. */
export function w3c(d: Date): string
export function w3c(d: Date | null | undefined): string | null
export function w3c(d: Date | null | undefined): string | null {
  if (!d) return null
  return new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19) + '+08:00'
}

const W3C_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/**
 * A W3C datetime from a client: a date (`2026-11-01`, its start in Shanghai), or a date and time with `Z` or an
 * offset; without one, Shanghai time is meant. Undefined when the text is no such datetime.
 */
export function parseW3c(text: string): Date | undefined {
  const m = W3C_RE.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m
  const ms = Number((frac + '000').slice(0, 3))
  let offsetMin = 8 * 60
  if (zone === 'Z') offsetMin = 0
  else if (zone) {
    const z = zone.replace(':', '')
    offsetMin = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)))
    if (Number(z.slice(3, 5)) > 59 || Number(z.slice(1, 3)) > 14) return undefined
  }
  const parts = [y, mo, d, h, mi, s].map(Number)
  if (parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > 31 || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return undefined
  const utc = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], ms)
  // Date.UTC rolls 31 February into March: refuse dates that do not exist.
  if (new Date(utc).getUTCDate() !== parts[2]) return undefined
  return new Date(utc - offsetMin * 60_000)
}

// ---- states ---------------------------------------------------------------------------------------
/**
 * GeoReport status of our states: closed once nothing more will happen (closed, rejected, merged). A replied
 * case is still open: the resident rates it next, and an unsatisfied rating sends it back to work (it closes by
 * a satisfied rating or by itself after the rating period).
 */
export function openOrClosed(state: string): 'open' | 'closed' {
  return isTerminalState(state) ? 'closed' : 'open'
}

/** Plain words of where a case stands, for `status_notes` when there is no answer text. */
export const STATE_WORDS: Record<string, string> = {
  new: '已受理,正在研判交办',
  dispatched: '已交办承办单位',
  accepted: '承办单位正在办理',
  returned: '正在重新研判交办',
  extension_requested: '承办单位正在办理(申请延期中)',
  escalated: '已上报上级办理',
  reopened: '重新办理中',
  replied: '已答复,待评价',
  closed: '已办结',
  rejected: '不予受理',
  merged: '已并案办理',
}

/**
 * Our case events as mySociety updates: the status word of its extension (lower case, as its open311-adapter
 * prints them) and what to tell the resident. Events a resident has no business with (urging, supervision,
 * deadline marks, extension requests) and the clients' own comments are not updates.
 */
export function updateOf(e: { action: string; toState: string | null; note: string | null; data: Record<string, unknown> }): { status: string; description: string } | undefined {
  const d = e.data
  switch (e.action) {
    case 'dispatch':
      return { status: 'action_scheduled', description: d.unitName ? `已交办 ${String(d.unitName)} 办理` : STATE_WORDS.dispatched }
    case 'transfer':
      return { status: 'action_scheduled', description: d.unitName ? `已转交 ${String(d.unitName)} 办理` : STATE_WORDS.dispatched }
    case 'accept':
      return { status: 'in_progress', description: '承办单位已签收,正在办理' }
    case 'claim':
      return { status: 'in_progress', description: '领导认领,牵头办理' }
    case 'approve_extension':
      return d.approved ? { status: 'in_progress', description: `办理期限延长 ${Number(d.days) || 0} 个工作日` } : undefined
    case 'return':
      // The handler's reason is internal; the resident learns only that the case is being routed again.
      return { status: 'for_triage', description: STATE_WORDS.returned }
    case 'escalate':
      return { status: 'investigating', description: STATE_WORDS.escalated }
    case 'reply':
    case 'resolve_on_spot':
      return { status: 'fixed', description: e.note ?? '已答复' }
    case 'rate':
      return d.rating === 'unsatisfied'
        ? { status: 'open', description: '反映人对答复不满意' }
        : { status: 'closed', description: d.rating === 'basically_satisfied' ? '反映人评价:基本满意,已办结' : '反映人评价:满意,已办结' }
    case 'reopen':
      return { status: 'reopen', description: STATE_WORDS.reopened }
    case 'reject': {
      const status = d.kind === 'not_government' ? 'not_councils_responsibility' : d.kind === 'duplicate' ? 'duplicate' : 'closed'
      return { status, description: e.note ?? STATE_WORDS.rejected }
    }
    case 'merge':
      return { status: 'duplicate', description: d.intoNumber ? `已与事项 ${String(d.intoNumber)} 并案办理` : STATE_WORDS.merged }
    case 'answered_via_merge':
      return { status: 'closed', description: e.note ?? '已随并案答复' }
    case 'auto_close':
      return { status: 'closed', description: '答复后未评价,已自动办结' }
    default:
      return undefined
  }
}

/** The case events that can become updates (the repository filters on these). */
export const UPDATE_ACTIONS = [
  'dispatch',
  'transfer',
  'accept',
  'claim',
  'approve_extension',
  'return',
  'escalate',
  'reply',
  'resolve_on_spot',
  'rate',
  'reopen',
  'reject',
  'merge',
  'answered_via_merge',
  'auto_close',
] as const

/** Status words a client may send with an update (mySociety's extension, any case). */
export const CLIENT_UPDATE_STATUSES = [
  'open',
  'closed',
  'fixed',
  'in_progress',
  'action_scheduled',
  'investigating',
  'duplicate',
  'not_councils_responsibility',
  'no_further_action',
  'internal_referral',
  'reopen',
  'for_triage',
] as const

// ---- form bodies ----------------------------------------------------------------------------------
/** `a=1&b=2` → { a: '1', b: '2' }; a repeated field keeps its first value (`media_url` may repeat). */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of new URLSearchParams(body)) if (!(k in out)) out[k] = v
  return out
}
