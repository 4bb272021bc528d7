// Fuzzing from the OpenAPI document: every operation Fastify documents gets requests built from its own
// schemas and then broken on purpose (wrong types, missing and extra fields, huge strings, deep JSON, NUL
// and lone surrogates, huge numbers, SQL and HTML fragments, path tricks). Used by server/test/fuzz.test.ts
// (a few thousand cases in `npm test`) and bench/fuzz.bench.ts (a larger run). Deterministic from a seed.

type Schema = Record<string, any>

export interface Operation {
  method: string
  path: string
  params: { name: string; in: 'path' | 'query'; schema: Schema; required: boolean }[]
  body?: Schema
  /** No JSON body documented on a POST/PATCH: a form, a multipart upload or a hand-parsed body. */
  opaqueBody: boolean
}

export interface FuzzRequest {
  op: string
  label: string
  method: string
  url: string
  auth: boolean
  headers: Record<string, string>
  payload?: string | Buffer
}

/** mulberry32: small, fast, seedable. */
export function seeded(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    shuffle<T>(xs: T[]): T[] {
      const out = xs.slice()
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        ;[out[i], out[j]] = [out[j], out[i]]
      }
      return out
    },
  }
}
export type Rand = ReturnType<typeof seeded>

function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = []
  for (const [path, item] of Object.entries<any>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const params = (op.parameters ?? []).filter((p: any) => p.in === 'path' || p.in === 'query').map((p: any) => ({ name: p.name, in: p.in, schema: p.schema ?? {}, required: !!p.required }))
      const body = op.requestBody?.content?.['application/json']?.schema
      ops.push({ method: method.toUpperCase(), path, params, body, opaqueBody: !body && ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase()) })
    }
  }
  return ops
}

// ---- values ------------------------------------------------------------------------------------------

const NASTY_STRINGS: readonly string[] = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\u202e\u200b\ufeff',
  '   ',
  '',
  "' OR 1=1 --",
  "'; drop table users; --",
  '<img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}',
  '../../etc/passwd',
  '2026-13-45',
  '2026-02-30T25:61:00Z',
  '99999999999999999999',
  '-1',
  'NaN',
  'Infinity',
  '1e308',
  '\u{1F600}'.repeat(50),
  'x'.repeat(70_000),
  '%00%ff%',
]
/** Number literals written into JSON text as they are (JSON.stringify cannot write 1e400 or 2^70 exactly). */
const NASTY_NUMBERS: readonly string[] = ['1e308', '-1e308', '99999999999999999999', '-1', '0', '1.5', '1e400', '-0', '2147483648', '9223372036854775808']
const WRONG_TYPES: readonly unknown[] = [123, 'str', true, null, [], {}, [null], { $gt: '' }]
const PATH_TRICKS: readonly string[] = [
  '..',
  '%2e%2e',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  'a%00b',
  '%ff',
  '%',
  '%E2%80%AE',
  '%ED%A0%80',
  '99999999999999999999',
  '1e308',
  '-1',
  '0',
  'NaN',
  '%27%20OR%201%3D1--',
  '%3Cscript%3E',
  'x'.repeat(3000),
  '00000000-0000-0000-0000-000000000000',
  '%20',
]
const QUERY_TRICKS: readonly string[] = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%ff',
  '%',
  '99999999999999999999',
  '1e308',
  '-1',
  'NaN',
  '2026-13-45',
  '2026-02-30T25:61:00Z',
  '%27%20OR%201%3D1--',
  '%3Cscript%3E',
  'x'.repeat(5000),
  '%E2%80%AE%E2%80%8B',
  '',
]

const PATTERN_SAMPLES: Record<string, (r: Rand) => string> = {
  '^1[3-9][0-9]{9}$': (r) => '139' + String(r.int(1e8)).padStart(8, '0'),
  '^#[0-9a-fA-F]{6}$': () => '#3366cc',
  '^[0-9]{4}-(0[1-9]|1[0-2])$': () => '2026-11',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}$': () => '2026-11-20',
  '^[A-Za-z0-9_-]+$': (r) => 'k' + r.int(1e6),
  '^[A-Za-z0-9_-]{6,40}$': (r) => 'ext-' + r.int(1e6),
  '^[a-z0-9_-]{2,40}$': (r) => 'src' + r.int(1e6),
  '^[a-z][a-z0-9_.]{1,40}$': (r) => 'cat' + r.int(1e6),
  '^[a-z][a-z0-9_]{1,31}$': (r) => 'tag' + r.int(1e6),
  '^[a-z_]{1,40}$': () => 'field',
}

export interface Known {
  /** Region codes that exist (village first). */
  regionCodes: string[]
  gridCodes: string[]
  /** Values seen for a resource collection, keyed by its path (e.g. /api/units). */
  ids: Map<string, Set<string>>
}

function uuidFrom(r: Rand) {
  const h = Array.from({ length: 32 }, () => r.int(16).toString(16)).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

function genString(s: Schema, r: Rand, known: Known, key: string): string {
  if (s.format === 'uuid') return r.next() < 0.5 ? r.pick([...(known.ids.get('uuid') ?? new Set(['00000000-0000-4000-8000-000000000000']))]) : uuidFrom(r)
  if (s.format === 'date-time') return new Date(Date.UTC(2026, 10, 1 + r.int(20), 8)).toISOString()
  if (s.format === 'date') return `2026-11-${String(1 + r.int(28)).padStart(2, '0')}`
  if (s.format === 'email') return `u${r.int(1e6)}@example.org`
  if (s.format === 'binary') return 'x'
  if (s.pattern) {
    if (s.pattern === '^[0-9]{15}$') return r.pick(known.gridCodes)
    if (s.pattern.startsWith('^[0-9]{6,15}') || s.pattern.startsWith('^([0-9]{6,15}')) return /parent/i.test(key) ? known.regionCodes[0] : r.pick(known.regionCodes)
    const gen = PATTERN_SAMPLES[s.pattern]
    if (gen) return gen(r)
  }
  const min = s.minLength ?? 0
  const max = s.maxLength ?? 40
  const base = r.pick(['测试', '民情', 'fuzz', '王院村', '路灯不亮'])
  let out = base + r.int(1e4)
  while (out.length < min) out += '好'
  return out.slice(0, Math.max(max, min))
}

/** A value the schema accepts (as far as this small generator knows schemas). */
function generate(s: Schema | undefined, r: Rand, known: Known, key = '', depth = 0): unknown {
  if (!s || depth > 6) return 'x'
  if ('const' in s) return s.const
  if (s.enum) return r.pick(s.enum)
  if (s.default !== undefined && r.next() < 0.2) return s.default
  const alts = s.anyOf ?? s.oneOf
  if (alts) {
    const nonNull = alts.filter((a: Schema) => a.type !== 'null')
    return generate(r.pick(nonNull.length ? nonNull : alts), r, known, key, depth + 1)
  }
  if (s.allOf) return generate(Object.assign({}, ...s.allOf), r, known, key, depth + 1)
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      const required = new Set<string>(s.required ?? [])
      for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) {
        if (required.has(k) || r.next() < 0.6) out[k] = generate(v, r, known, k, depth + 1)
      }
      return out
    }
    case 'array': {
      const n = Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 2, 1 + r.int(2)))
      const items = Array.from({ length: n }, () => generate(s.items, r, known, key, depth + 1))
      return s.uniqueItems ? [...new Map(items.map((i) => [JSON.stringify(i), i])).values()] : items
    }
    case 'string':
      return genString(s, r, known, key)
    case 'integer': {
      const min = s.minimum ?? 0
      const max = s.maximum ?? min + 100
      return min + r.int(Math.max(1, Math.min(max - min + 1, 1000)))
    }
    case 'number': {
      const min = s.minimum ?? 0
      const max = s.maximum ?? min + 100
      return min + r.next() * (max - min)
    }
    case 'boolean':
      return r.next() < 0.5
    case 'null':
      return null
    default:
      return 'x'
  }
}

/** Paths (key lists) of every leaf in a JSON value, with its schema where known. */
function leaves(v: unknown, s: Schema | undefined, at: (string | number)[] = [], out: { at: (string | number)[]; schema?: Schema }[] = []) {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, s?.items, [...at, i], out))
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) leaves(x, s?.properties?.[k], [...at, k], out)
  else out.push({ at, schema: s })
  return out
}
function setAt(v: unknown, at: (string | number)[], value: unknown): unknown {
  if (!at.length) return value
  const copy: any = Array.isArray(v) ? v.slice() : { ...(v as object) }
  copy[at[0]] = setAt(copy[at[0]], at.slice(1), value)
  return copy
}
function deep(n: number): string {
  return '['.repeat(n) + ']'.repeat(n)
}
const RAW = '\u0001raw\u0001'
/** JSON text of a value in which one leaf is replaced by raw JSON text (a number literal JSON.stringify cannot make). */
function withRaw(v: unknown, at: (string | number)[], raw: string) {
  return JSON.stringify(setAt(v, at, RAW)).replace(JSON.stringify(RAW), raw)
}

// ---- cases ---------------------------------------------------------------------------------------------

function fill(op: Operation, r: Rand, known: Known, override: Record<string, string> = {}) {
  const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name in override) return override[name]
    const p = op.params.find((x) => x.in === 'path' && x.name === name)
    return encodeURIComponent(pathValue(op, name, p?.schema ?? {}, r, known))
  })
  return url
}

function pathValue(op: Operation, name: string, schema: Schema, r: Rand, known: Known): string {
  const collection = op.path.slice(0, op.path.indexOf(`{${name}}`) - 1)
  const seen = known.ids.get(collection)
  if (seen?.size && r.next() < 0.8) return r.pick([...seen])
  return String(generate(schema, r, known, name))
}

function queryString(entries: [string, string][]) {
  return entries.length ? '?' + entries.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&') : ''
}

function validQuery(op: Operation, r: Rand, known: Known): [string, string][] {
  const out: [string, string][] = []
  for (const p of op.params.filter((x) => x.in === 'query')) {
    if (p.required || r.next() < 0.4) out.push([p.name, encodeURIComponent(String(generate(p.schema, r, known, p.name)))])
  }
  return out
}

/** The requests for one operation: a valid one, then broken ones, shuffled and cut to `budget`. */
function casesFor(op: Operation, r: Rand, known: Known, budget: number): FuzzRequest[] {
  const id = `${op.method} ${op.path}`
  const out: FuzzRequest[] = []
  const json = { 'content-type': 'application/json' }
  const add = (label: string, url: string, payload?: string | Buffer, headers: Record<string, string> = {}, auth = true) => out.push({ op: id, label, method: op.method, url, auth, headers, payload })
  const baseUrl = () => fill(op, r, known) + queryString(validQuery(op, r, known))
  const body = op.body ? generate(op.body, r, known) : undefined
  const bodyText = body === undefined ? undefined : JSON.stringify(body)
  const bodyHeaders = op.body ? json : {}

  add('valid', baseUrl(), bodyText, bodyHeaders)
  add('valid, no login', baseUrl(), bodyText, bodyHeaders, false)

  // path parameters
  for (const p of op.params.filter((x) => x.in === 'path')) {
    for (const trick of PATH_TRICKS) add(`path ${p.name}=${trick.slice(0, 40)}`, fill(op, r, known, { [p.name]: trick }), bodyText, bodyHeaders, r.next() < 0.9)
  }
  // query parameters: each nasty value, an unknown one, a repeated one
  const qps = op.params.filter((x) => x.in === 'query')
  for (const p of qps) {
    for (const trick of QUERY_TRICKS) {
      const q = validQuery(op, r, known).filter(([k]) => k !== p.name)
      add(`query ${p.name}=${trick.slice(0, 40)}`, fill(op, r, known) + queryString([...q, [p.name, trick]]), bodyText, bodyHeaders, r.next() < 0.9)
    }
    add(
      `query ${p.name} twice`,
      fill(op, r, known) +
        queryString([
          [p.name, 'a'],
          [p.name, 'b'],
        ]),
      bodyText,
      bodyHeaders,
    )
    add(`query ${p.name}[] object`, fill(op, r, known) + `?${encodeURIComponent(p.name)}[a]=1`, bodyText, bodyHeaders)
  }
  if (op.method === 'GET') {
    const url = baseUrl()
    add('query unknown', url + (url.includes('?') ? '&' : '?') + 'zzz=%00', undefined)
  }

  // bodies
  if (op.body && body !== undefined) {
    const url = baseUrl()
    const props = Object.keys(op.body.properties ?? {})
    for (const k of op.body.required ?? []) {
      const copy = { ...(body as object) } as Record<string, unknown>
      delete copy[k]
      add(`body missing ${k}`, url, JSON.stringify(copy), json)
    }
    if (body && typeof body === 'object' && !Array.isArray(body)) add('body extra field', url, JSON.stringify({ ...body, zzExtra: '\u0000' }), json)
    for (const k of props) for (const w of WRONG_TYPES) add(`body ${k}=${JSON.stringify(w)}`, url, JSON.stringify({ ...(body as object), [k]: w }), json)
    for (const leaf of leaves(body, op.body)) {
      const name = leaf.at.join('.')
      for (const s of NASTY_STRINGS) add(`body ${name}=${JSON.stringify(s.slice(0, 30))}`, url, JSON.stringify(setAt(body, leaf.at, s)), json)
      for (const n of NASTY_NUMBERS) add(`body ${name}=${n}`, url, withRaw(body, leaf.at, n), json)
      add(`body ${name} deep`, url, withRaw(body, leaf.at, deep(5000)), json)
    }
    for (const k of props) for (const n of NASTY_NUMBERS.slice(0, 3)) add(`body ${k}=${n} (top)`, url, withRaw(body, [k], n), json)
    for (const raw of ['[]', '"x"', 'null', '1e308', '{"a":', deep(20000), '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}']) add(`body ${raw.slice(0, 20)}`, url, raw, json)
    add('body empty', url, '', json)
    add('body as form', url, 'a=1&b=%00', { 'content-type': 'application/x-www-form-urlencoded' })
    add('body huge string', url, JSON.stringify({ ...(body as object), [props[0] ?? 'x']: 'x'.repeat(900_000) }), json)
  }
  if (op.opaqueBody) {
    const url = baseUrl()
    const boundary = '----fuzz' + r.int(1e9)
    const part = (name: string, filename: string | undefined, data: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename !== undefined ? `; filename="${filename}"` : ''}\r\nContent-Type: application/octet-stream\r\n\r\n${data}\r\n`
    const mp = (parts: string) => ({ payload: Buffer.from(parts + `--${boundary}--\r\n`), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } })
    for (const [label, parts] of [
      ['file name with NUL', part('file', 'a\u0000b.png', 'x')],
      ['file name traversal', part('file', '../../../etc/passwd', 'x')],
      ['file name lone surrogate', part('file', '\ud800.xlsx', 'x')],
      ['file name huge', part('file', 'x'.repeat(5000) + '.csv', 'x')],
      ['field NUL', part('mapping', undefined, '\u0000') + part('note', undefined, 'a\u0000') + part('file', 'a.csv', 'a,b\n1,2')],
      ['field garbage JSON', part('mapping', undefined, '{"a":') + part('source', undefined, "' OR 1=1") + part('file', 'a.xlsx', 'PK\u0003\u0004garbage')],
      ['empty file', part('file', 'a.png', '')],
      ['no file', part('x', undefined, 'y')],
    ] as const) {
      const m = mp(parts)
      add(`multipart ${label}`, url, m.payload, m.headers)
    }
    add('multipart no boundary', url, 'x', { 'content-type': 'multipart/form-data' })
    for (const [k, v] of [
      ['form NUL', 'service_code=a%00b&description=%00&lat=1e308&long=NaN&api_key=%00'],
      ['form surrogate', 'service_code=%ED%A0%80&description=%ED%A0%80&email=%ff'],
      ['form huge numbers', 'service_code=1&lat=99999999999999999999&long=-99999999999999999999&description=x&service_request_id=99999999999999999999&updated_datetime=2026-13-45'],
      ['form SQL', "service_code=' OR 1=1--&description=<script>&first_name=%E2%80%AE"],
    ] as const)
      add(k, url, v, { 'content-type': 'application/x-www-form-urlencoded' })
    add('json garbage', url, '{"a":[[[[', json)
    add('json NUL', url, JSON.stringify({ externalId: '\u0000', items: [{ title: '\u0000' }], cases: [{ externalId: '\ud800', title: 'x' }] }), json)
    add('json deep', url, deep(20000), json)
    add('json huge number', url, '{"cases":[{"externalId":"e1","regionCode":"99999999999999999999","title":"x","lat":1e308}]}', json)
  }
  const [first, second, ...rest] = out
  return [first, second, ...r.shuffle(rest).slice(0, Math.max(0, budget - 2))]
}

export interface Answer {
  status: number
  contentType: string
  body: string
}

/**
 * What is wrong with an answer, or undefined: never a 5xx, and every 4xx is `{ error: { code, message, details? } }`
 * — except under /open311/, whose errors follow the GeoReport v2 spec: `[{ code, description }]` in JSON, or
 * `<errors><error><code>…` in XML (or the platform's shape for what fails before routing).
 */
function problemOf(a: Answer, url = ''): string | undefined {
  if (a.status >= 500) return `status ${a.status}: ${a.body.slice(0, 300)}`
  if (a.status >= 400 && url.startsWith('/open311/')) {
    if (/xml/.test(a.contentType)) return /<errors>\s*<error>\s*<code>\d{3}<\/code>\s*<description>/.test(a.body) ? undefined : `status ${a.status}: not a GeoReport XML error: ${a.body.slice(0, 200)}`
    try {
      const parsed = JSON.parse(a.body)
      if (Array.isArray(parsed) && parsed.length && parsed.every((e) => typeof e?.code === 'number' && typeof e?.description === 'string')) return undefined
    } catch {
      // fall through
    }
    // Errors raised before routing (a bad percent-encoding) are the platform's own shape, checked below.
    if (!a.body.startsWith('{"error":{')) return `status ${a.status}: not a GeoReport error: ${a.body.slice(0, 200)}`
  }
  if (a.status >= 400) {
    let parsed: any
    try {
      parsed = JSON.parse(a.body)
    } catch {
      return `status ${a.status} without a JSON body (${a.contentType}): ${a.body.slice(0, 200)}`
    }
    const e = parsed?.error
    if (!e || typeof e.code !== 'string' || !e.code || typeof e.message !== 'string') return `status ${a.status} without the error shape: ${a.body.slice(0, 200)}`
  }
  return undefined
}

/** Ids and codes found in an answer, remembered under the collection the request went to. */
function harvest(known: Known, collection: string, body: string) {
  let v: unknown
  try {
    v = JSON.parse(body)
  } catch {
    return
  }
  const add = (key: string, value: string) => {
    let s = known.ids.get(key)
    if (!s) known.ids.set(key, (s = new Set()))
    if (s.size < 20) s.add(value)
  }
  const visit = (x: unknown, depth: number) => {
    if (depth > 3 || !x || typeof x !== 'object') return
    if (Array.isArray(x)) return x.slice(0, 5).forEach((y) => visit(y, depth + 1))
    const o = x as Record<string, unknown>
    for (const k of ['id', 'code', 'trackingCode', 'number', 'token']) {
      if (typeof o[k] === 'string' || typeof o[k] === 'number') add(collection, String(o[k]))
    }
    if (typeof o.id === 'string' && /^[0-9a-f-]{36}$/.test(o.id)) add('uuid', o.id)
    for (const k of ['items', 'cases', 'results', 'created']) if (o[k]) visit(o[k], depth + 1)
  }
  visit(v, 0)
}

/** The collection a request's ids belong to: its path up to the first parameter, without a format suffix. */
function collectionOf(path: string) {
  const cut = path.indexOf('/{')
  return (cut < 0 ? path : path.slice(0, cut)).replace(/\.(json|xml)$/, '')
}

export interface FuzzFailure {
  op: string
  label: string
  request: string
  status: number
  problem: string
}

export interface Injector {
  inject(opts: { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>
}

/**
 * Run the fuzz over every operation of `doc`. `login()` gives a fresh admin bearer token (each operation
 * gets its own, so a logout or password change cannot end the others' session); `skipIds` are ids never
 * put in a path (the admin's own user: PATCHing it could lock the run out).
 */
export async function runFuzz(opts: {
  app: Injector
  doc: any
  seed: number
  perOperation: number
  known: Known
  login: () => Promise<string>
  skipIds?: string[]
  onCase?: (req: FuzzRequest, status: number) => void
}) {
  const r = seeded(opts.seed)
  const ops = operationsOf(opts.doc)
  const failures: FuzzFailure[] = []
  const statuses = new Map<number, number>()
  let sent = 0
  const skip = new Set(opts.skipIds ?? [])
  const send = async (req: FuzzRequest, token: string) => {
    const headers = { ...req.headers, ...(req.auth ? { authorization: `Bearer ${token}` } : {}) }
    let res
    try {
      res = await opts.app.inject({ method: req.method, url: req.url, headers, payload: req.payload })
    } catch (err) {
      res = { statusCode: 599, headers: {}, body: `inject threw: ${(err as Error).message}` }
    }
    sent++
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    opts.onCase?.(req, res.statusCode)
    const problem = problemOf({ status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body }, req.url)
    if (problem) {
      const payload = req.payload === undefined ? '' : ` body=${String(req.payload).slice(0, 300)}`
      failures.push({ op: req.op, label: req.label, request: `${req.method} ${req.url.slice(0, 300)}${payload}`, status: res.statusCode, problem })
    }
    return res
  }
  // A live stream never ends: only its no-login answers are fuzzed.
  const streaming = (op: Operation) => op.method === 'GET' && /\/stream$/.test(op.path)

  // 1. Harvest: valid creations and lists, so path parameters can name rows that exist.
  const token0 = await opts.login()
  for (const op of ops.filter((o) => !streaming(o) && !o.params.some((p) => p.in === 'path'))) {
    if (op.method === 'GET' || (op.method === 'POST' && op.body)) {
      for (let i = 0; i < (op.method === 'POST' ? 3 : 1); i++) {
        const [valid] = casesFor(op, r, opts.known, 1)
        const res = await send(valid, token0)
        if (res.statusCode < 300) harvest(opts.known, collectionOf(op.path), res.body)
      }
    }
  }
  for (const set of opts.known.ids.values()) for (const id of skip) set.delete(id)

  // 2. Fuzz every operation.
  for (const op of ops) {
    const token = await opts.login()
    for (const req of casesFor(op, r, opts.known, opts.perOperation)) {
      if (streaming(op) && req.auth) continue
      await send(req, token)
    }
  }
  return { operations: ops.length, sent, failures, statuses }
}

/** One line per failure, with what reproduces it. */
export function describeFailures(seed: number, failures: FuzzFailure[]) {
  return failures.map((f) => `[seed ${seed}] ${f.op} — ${f.label}\n    ${f.request}\n    → ${f.problem}`).join('\n')
}
