import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { CASE_ACTIONS, CASE_QUEUES, type Role, withCreditCheck, withIdCheck } from '@minqing/common'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp } from './app.ts'
import { makeRegion, makeUnit, makeUser, randomPhone, type MadeUser } from './factories.ts'
import { multipart, TINY_PNG } from './multipart.ts'

/*
 * The permanent access matrix (issue 11). Every route of the LIVE route table — collected by an onRoute hook on
 * the app the test builds, so a route added tomorrow is seen — must have a rule below; a route without one fails.
 * Data lives in one "home" area (雅璜村 330683105212 and its grid); every actor stands outside it. A rule says
 * what each route is (no area data / id-bearing read / write / list) and what "no leak" means for it; the
 * checks are the same for all routes of a kind:
 *   - every answer: no 5xx, /api 4xx in the {error:{code}} shape, and none of the home rows' markers (ids,
 *     names, titles, addresses, masked identifiers, case numbers, tracking codes) in the body — XLSX exports
 *     parsed, SSE streams read — unless the rule allows that kind of marker (public by design);
 *   - read: 401/403/404, and the same status, code and message as for a random id that does not exist;
 *   - write: refused (401/403/404, or 400 UNKNOWN_* for a reference that reads as not existing) and the rows it
 *     aims at unchanged (compared in the database before and after);
 *   - list: the home area's rows do not appear; a home user's same request does show them (the scan works).
 */

// ---- the live route table, collected as Fastify registers each route -------------------------------------------
const liveRoutes = new Set<string>()
vi.mock('fastify', async (importOriginal) => {
  const real = (await importOriginal()) as { default: (opts?: unknown) => any }
  const wrapped = (opts?: unknown) => {
    const app = real.default(opts)
    app.addHook('onRoute', (r: { method: string | string[]; url: string }) => {
      for (const m of [r.method].flat()) liveRoutes.add(`${m} ${r.url}`)
    })
    return app
  }
  return { ...real, default: wrapped }
})

// ---- the home area and the places the actors come from ---------------------------------------------------------
const COUNTY = '330683'
const TOWN = '330683105' // the home town
const V = '330683105212' // the home village
const G = V + '001' // its grid
const OV = '330683105213' // another village of the same town
const OT = '330683106' // another town
const OTV = '330683106220' // a village of the other town
const MISSING_REGION = '330683105299'
const MK = 'ZQHOME' // in every text of a home row
const MK_TOWN = 'ZQTOWN' // in the home town's 民情日 (visible to the town's villages by design)
const MK_REGION = 'ZQREGION' // in the home village's and grid's names (public on its 民情码 by design)
const MK_PUB = 'ZQPUB' // in the home Open311 request's title (public on GeoReport by design)

type StaffName = 'villageAdmin' | 'villageCadre' | 'gridWorker' | 'stationedCadre' | 'volunteer' | 'townAdmin' | 'townHandler' | 'leader' | 'deptHandler'
type ActorName = StaffName | 'resident' | 'open311Key' | 'pushKey' | 'anonymous'
const STAFF: Record<StaffName, { roles: Role[]; region: string; station?: 'village' }> = {
  villageAdmin: { roles: ['admin'], region: OV },
  villageCadre: { roles: ['village_cadre'], region: OV },
  gridWorker: { roles: ['grid_worker'], region: OV + '001' },
  stationedCadre: { roles: ['stationed_cadre'], region: OV, station: 'village' },
  volunteer: { roles: ['volunteer'], region: OV },
  townAdmin: { roles: ['admin'], region: OT },
  townHandler: { roles: ['town_handler'], region: OT },
  leader: { roles: ['leader'], region: OT },
  deptHandler: { roles: ['dept_handler'], region: OT },
}
const SAME_TOWN: ActorName[] = ['villageAdmin', 'villageCadre', 'gridWorker', 'stationedCadre', 'volunteer']
const ACTOR_NAMES: ActorName[] = [...(Object.keys(STAFF) as StaffName[]), 'resident', 'open311Key', 'pushKey', 'anonymous']

interface Actor {
  name: ActorName
  headers: Record<string, string>
  key?: string // an API key (Open311 or push) the actor holds
  trackingCode?: string // the resident's own case
  user?: MadeUser
}

/** Kinds of marker; a rule may allow some (public by design). */
type MarkerKind = 'private' | 'town' | 'region' | 'open311'
interface Marker {
  value: string
  kind: MarkerKind
  what: string
}

interface Home {
  admin: MadeUser // admin of the home village: makes the rows
  cadre: MadeUser // village cadre of the home village: the notified dispatcher, the home user row
  countyAdmin: MadeUser
  household: string
  person: string
  personIdNumber: string
  personPhone: string
  enterprise: string
  creditCode: string
  place: string
  diary: string
  diaryPhoto: string
  document: string
  unit: string
  user: string
  case: string
  caseNumber: string
  caseFile: string
  caseTitle: string
  openCase: string // through Open311, public by design
  openCaseNumber: string
  openCaseToken: string
  importJob: string
  importedCase: string
  importedExternalId: string
  pushedCase: string
  pushedExternalId: string
  pushKeyId: string
  open311KeyId: string
  source: string
  notification: string
  visitRule: number
  category: string
  task: string // 先锋任务 of the home village, claimed by the home volunteer
  volunteer: string
  team: string // 志愿队伍 of the home village (the home volunteer), with a rota slot and an exception
  rotaException: string
  activity: string // a published 民情角 of the home village with today's ledger
  sessionDate: string
  meeting: string // 议事会 of the home village with one decision (issue 16)
  decision: string
  pact: string // 契约 of the home village with a home partner unit, negotiating, one item
  pactItem: string
  partner: string
  taskPhoto: string // the home volunteer's finish-report photo on the home task
  caseTask: string // a home task made from the home case
  alert: string // a home 预警 linking the home case (issue 14)
  cluster: string // a home 一类事 with the home case as member
}

let t: Awaited<ReturnType<typeof createTestApp>>
let h: Home
const actors = new Map<ActorName, Actor>()
const markers: Marker[] = []
let requests = 0
let ipSeq = 0
const nextIp = () => `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq++ & 255}`

// ---- requests ---------------------------------------------------------------------------------------------------
interface Probe {
  method?: string // default: the rule's route method
  url: string // with the home rows' ids ({KEY} = the actor's API key)
  missing?: string // the same request for an id that does not exist (reads must be indistinguishable)
  body?: unknown
  form?: { fields: Record<string, string>; file?: { filename: string; data: Buffer; contentType?: string } }
  headers?: Record<string, string>
  /** Reads: not even the home admin may open this one (no home control). */
  noHome?: true
}
interface Answer {
  status: number
  code?: string
  message?: string
  contentType: string
  text: string
  raw: Buffer
}

async function send(a: Actor | { headers: Record<string, string>; key?: string }, method: string, p: Probe, url = p.url): Promise<Answer> {
  const key = a.key ?? 'mq_notakey0000000000000000000000000'
  const filled = url.replaceAll('{KEY}', encodeURIComponent(key))
  let payload: string | Buffer | undefined
  let headers: Record<string, string> = { ...a.headers, ...Object.fromEntries(Object.entries(p.headers ?? {}).map(([k, v]) => [k, v.replaceAll('{KEY}', key)])) }
  if (p.form) {
    const m = multipart(p.form.fields, p.form.file)
    payload = m.payload
    headers = { ...headers, ...m.headers }
  } else if (p.body !== undefined) {
    payload = (typeof p.body === 'string' ? p.body : JSON.stringify(p.body)).replaceAll('{KEY}', key)
    headers['content-type'] ??= 'application/json'
  }
  requests++
  const res = await t.app.inject({ method: method as 'GET', url: filled, headers, payload, remoteAddress: nextIp() })
  const raw = res.rawPayload
  const contentType = String(res.headers['content-type'] ?? '')
  let text = raw.toString('utf8')
  if (contentType.includes('spreadsheetml')) text = await xlsxText(raw)
  let code: string | undefined
  let message: string | undefined
  if (contentType.includes('json')) {
    try {
      const j = JSON.parse(text)
      code = j?.error?.code ?? (Array.isArray(j) && j[0]?.code !== undefined ? String(j[0].code) : undefined)
      message = j?.error?.message ?? (Array.isArray(j) ? j[0]?.description : undefined)
    } catch {
      // Not JSON: the status and raw text are what the checks read.
    }
  }
  return { status: res.statusCode, code, message, contentType, text, raw }
}

async function xlsxText(data: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(data as unknown as ArrayBuffer)
  const cells: string[] = []
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => void cells.push(String(c.text ?? c.value)))))
  return 'XLSX:' + cells.join('\t')
}

/** The home markers found in an answer, leaving out what the request itself carried and what the rule allows. */
function leaks(answer: Answer, a: ActorName, probe: Probe, allow: MarkerKind[]): string[] {
  const sent = probe.url + JSON.stringify(probe.body ?? '') + JSON.stringify(probe.form ?? '')
  return markers
    .filter((m) => !allow.includes(m.kind) && !(m.kind === 'town' && SAME_TOWN.includes(a)))
    .filter((m) => !sent.includes(m.value) && answer.text.includes(m.value))
    .map((m) => `${m.what} (${m.value})`)
}

// ---- the rules --------------------------------------------------------------------------------------------------
type Kind = 'open' | 'read' | 'write' | 'list' | 'sse'
interface Rule {
  /** open: no id and no area data (health, login, docs, static, catalogues); read: id-bearing read; write: any
   * change; list: lists, search, counts, exports; sse: a live stream. */
  kind: Kind
  why: string
  probes: (h: Home, a: Actor) => Probe[]
  /** Who is sent (default: every actor). */
  actors?: ActorName[]
  /** Marker kinds this route may show to an outsider (public by design). */
  allow?: MarkerKind[]
  /** Writes: SQL whose rows must be the same before and after the attempts. */
  rows?: (h: Home) => string[]
  /** Writes: an answer that is not a refusal but is still fine (e.g. a push item rejected inside a 200). */
  accept?: (ans: Answer, a: Actor) => boolean | Promise<boolean>
  /** Reads: the home admin opens the same urls (2xx), proving the ids are real rows; false where no one may. */
  homeReads?: false
  /** Lists: a home user who must see a private marker in the same request (proves the scan can fail). */
  control?: (h: Home) => { who: MadeUser; probe: Probe }
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`
const rnd = () => randomUUID()
const clientId = () => 'am' + randomUUID().replaceAll('-', '')
const pngForm = (fields: Record<string, string> = {}) => ({ fields, file: { filename: 'x.png', contentType: 'image/png', data: TINY_PNG } })
const csvForm = (csv: string, fields: Record<string, string> = {}) => ({ fields, file: { filename: 'x.csv', contentType: 'text/csv', data: Buffer.from('\uFEFF' + csv, 'utf8') } })
const caseRows = (id: string) => [
  `select * from cases where id = ${q(id)}`,
  `select count(*)::int as n from case_events where case_id = ${q(id)}`,
  `select count(*)::int as n from case_files where case_id = ${q(id)}`,
]
const homeCount = (table: string) => `select count(*)::int as n from ${table} x join regions r on r.id = x.region_id where r.path like '%/${V}/%'`
const idRead =
  (url: (h: Home) => string, missing: (h: Home) => string): Rule['probes'] =>
  (hh) => [{ url: url(hh), missing: missing(hh) }]
const STAFF_NAMES = Object.keys(STAFF) as StaffName[]
const homeTaskRows = (x: Home) => [
  `select * from tasks where id = ${q(x.task)}`,
  `select * from task_claims where task_id = ${q(x.task)}`,
  `select count(*)::int as n from task_events where task_id = ${q(x.task)}`,
  `select count(*)::int as n from task_photos where task_id = ${q(x.task)}`,
]

const open = (why: string, probes: Rule['probes'] = () => []): Rule => ({ kind: 'open', why, probes })
/** Static and self-only routes: one outsider with a session and one without are enough (they carry no area data). */
const few = (rule: Rule): Rule => ({ ...rule, actors: ['anonymous', 'townAdmin'] })

/** One rule per route of the live table: "METHOD url" (HEAD is checked with its GET; "ALL" = every method). */
const RULES: Record<string, Rule> = {
  // -- no id, no area data ---------------------------------------------------------------------------------------
  'GET /api/health': open('health check', () => [{ url: '/api/health' }]),
  'GET /api/docs': few(open('API docs (swagger-ui)', () => [{ url: '/api/docs' }])),
  'GET /api/docs/static/index.html': few(open('API docs page', () => [{ url: '/api/docs/static/index.html' }])),
  'GET /api/docs/static/swagger-initializer.js': few(open('API docs script', () => [{ url: '/api/docs/static/swagger-initializer.js' }])),
  'GET /api/docs/static/*': few(open('API docs assets', () => [{ url: '/api/docs/static/swagger-ui.css' }])),
  'GET /api/docs/json': few(open('OpenAPI document: schemas only', () => [{ url: '/api/docs/json' }])),
  'GET /api/docs/yaml': few(open('OpenAPI document: schemas only', () => [{ url: '/api/docs/yaml' }])),
  'POST /api/auth/login': few(open('login: the caller’s own account', () => [{ url: '/api/auth/login', body: { phone: randomPhone(), password: 'wrong-password-1' } }])),
  // Sent with a throwaway session of an outsider (the actors' own sessions must live on for the other rules).
  'POST /api/auth/logout': open('ends the caller’s own session', () => [{ url: '/api/auth/logout', body: {}, headers: { authorization: `Bearer ${spareSession()}` } }]),
  'GET /api/auth/me': open('the caller themself', () => [{ url: '/api/auth/me' }]),
  'POST /api/auth/password': open('the caller’s own password (wrong current password here)', () => [
    { url: '/api/auth/password', body: { currentPassword: 'not-the-password', newPassword: 'Zq-new-pass-8813' } },
  ]),
  'GET /api/imports/households/template': few(open('the empty template', () => [{ url: '/api/imports/households/template?format=csv' }, { url: '/api/imports/households/template?format=xlsx' }])),
  'GET /api/tags': open('county-wide catalogue', () => [{ url: '/api/tags' }]),
  'GET /api/categories': open('county-wide catalogue', () => [{ url: '/api/categories' }]),
  'GET /api/visits/rules': open('county-wide visit rules', () => [{ url: '/api/visits/rules' }]),
  // Sources are county-wide settings; a source's default region shows its name (no rows, no personal data).
  'GET /api/case-sources': { ...open('county-wide list of source platforms', () => [{ url: '/api/case-sources' }]), allow: ['region'] },
  'GET /api/case-sources/:code': { ...open('a source platform', (hh) => [{ url: `/api/case-sources/${hh.source}` }]), allow: ['region'] },
  'GET /open311/v2/discovery': open('Open311 discovery', () => [{ url: '/open311/v2/discovery' }]),
  'GET /open311/v2/discovery.json': open('Open311 discovery', () => [{ url: '/open311/v2/discovery.json' }]),
  'GET /open311/v2/discovery.xml': open('Open311 discovery', () => [{ url: '/open311/v2/discovery.xml' }]),
  'GET /open311/v2/services': open('our categories', () => [{ url: '/open311/v2/services' }]),
  'GET /open311/v2/services.json': open('our categories', () => [{ url: '/open311/v2/services.json' }]),
  'GET /open311/v2/services.xml': open('our categories', () => [{ url: '/open311/v2/services.xml' }]),
  'GET /open311/v2/services/:code': open('a category’s definition', () => [{ url: '/open311/v2/services/traffic.streetlight.json' }]),
  'ALL /open311/v2/*': open('unknown Open311 paths answer 404', (hh) => [{ url: `/open311/v2/cases/${hh.case}` }]),
  'POST /api/imports/cases/headers': open('reads an uploaded header row, stores nothing', () => [
    { url: '/api/imports/cases/headers', form: csvForm('工单编号,诉求内容,区划代码\nZQ-H-1,路灯,330683105212\n', { source: '12345' }) },
  ]),
  'POST /api/public/reports': {
    kind: 'open',
    why: 'anyone may report through a 民情码 (public by design; the form token is the door’s lock)',
    probes: () => [{ url: '/api/public/reports', body: { code: V, description: '路灯坏了' } }],
  },
  'GET /api/public/qr/:code': {
    kind: 'open',
    why: 'the page behind a printed 民情码: the region’s name is on the poster anyway (public by design)',
    allow: ['region'],
    probes: () => [{ url: `/api/public/qr/${V}` }, { url: `/api/public/qr/${G}` }],
  },
  'GET /api/public/pacts/:code': {
    kind: 'open',
    why: 'the 亮约 board of a village (public by design): published pacts only — the home pact, still negotiating, never shows',
    allow: ['region'],
    probes: () => [{ url: `/api/public/pacts/${V}` }, { url: `/api/public/pacts/${G}` }],
  },

  // -- id-bearing reads ---------------------------------------------------------------------------------------------
  'GET /api/households/:id': {
    kind: 'read',
    why: 'a household',
    probes: idRead(
      (x) => `/api/households/${x.household}`,
      () => `/api/households/${rnd()}`,
    ),
  },
  'GET /api/households/:id/history': {
    kind: 'read',
    why: 'a household’s history',
    probes: idRead(
      (x) => `/api/households/${x.household}/history`,
      () => `/api/households/${rnd()}/history`,
    ),
  },
  'GET /api/households/:id/timeline': {
    kind: 'read',
    why: 'a household’s timeline',
    probes: idRead(
      (x) => `/api/households/${x.household}/timeline`,
      () => `/api/households/${rnd()}/timeline`,
    ),
  },
  'GET /api/persons/:id': {
    kind: 'read',
    why: 'a person',
    probes: idRead(
      (x) => `/api/persons/${x.person}`,
      () => `/api/persons/${rnd()}`,
    ),
  },
  'GET /api/persons/:id/history': {
    kind: 'read',
    why: 'a person’s history',
    probes: idRead(
      (x) => `/api/persons/${x.person}/history`,
      () => `/api/persons/${rnd()}/history`,
    ),
  },
  'GET /api/enterprises/:id': {
    kind: 'read',
    why: 'an enterprise',
    probes: idRead(
      (x) => `/api/enterprises/${x.enterprise}`,
      () => `/api/enterprises/${rnd()}`,
    ),
  },
  'GET /api/places/:id': {
    kind: 'read',
    why: 'a place',
    probes: idRead(
      (x) => `/api/places/${x.place}`,
      () => `/api/places/${rnd()}`,
    ),
  },
  'GET /api/documents/:id/download': {
    kind: 'read',
    why: 'a household document',
    probes: idRead(
      (x) => `/api/documents/${x.document}/download`,
      () => `/api/documents/${rnd()}/download`,
    ),
  },
  'GET /api/diary/:id': {
    kind: 'read',
    why: 'a diary entry',
    probes: idRead(
      (x) => `/api/diary/${x.diary}`,
      () => `/api/diary/${rnd()}`,
    ),
  },
  'GET /api/diary/photos/:id': {
    kind: 'read',
    why: 'a diary photo',
    probes: idRead(
      (x) => `/api/diary/photos/${x.diaryPhoto}`,
      () => `/api/diary/photos/${rnd()}`,
    ),
  },
  'GET /api/units/:id': {
    kind: 'read',
    why: 'a unit',
    probes: idRead(
      (x) => `/api/units/${x.unit}`,
      () => `/api/units/${rnd()}`,
    ),
  },
  'GET /api/users/:id': {
    kind: 'read',
    why: 'a user',
    probes: idRead(
      (x) => `/api/users/${x.user}`,
      () => `/api/users/${rnd()}`,
    ),
  },
  'GET /api/imports/:id': {
    kind: 'read',
    why: 'an import job',
    probes: idRead(
      (x) => `/api/imports/${x.importJob}`,
      () => `/api/imports/${rnd()}`,
    ),
  },
  'GET /api/imports/:id/report': {
    kind: 'read',
    why: 'an import job’s rejection report',
    probes: idRead(
      (x) => `/api/imports/${x.importJob}/report`,
      () => `/api/imports/${rnd()}/report`,
    ),
  },
  'GET /api/cases/:id': {
    kind: 'read',
    why: 'a case (also the Open311 one: staff detail is not public)',
    probes: (x) => [
      { url: `/api/cases/${x.case}`, missing: `/api/cases/${rnd()}` },
      { url: `/api/cases/${x.openCase}`, missing: `/api/cases/${rnd()}` },
      { url: `/api/cases/${x.importedCase}`, missing: `/api/cases/${rnd()}` },
    ],
  },
  'GET /api/cases/:id/files/:fileId': {
    kind: 'read',
    why: 'a case photo',
    probes: idRead(
      (x) => `/api/cases/${x.case}/files/${x.caseFile}`,
      (x) => `/api/cases/${rnd()}/files/${x.caseFile}`,
    ),
  },
  'GET /api/regions/:code': {
    kind: 'read',
    why: 'a region (own ancestors are readable: the home town for its other villages)',
    probes: (x, a) => [
      { url: `/api/regions/${V}`, missing: `/api/regions/${MISSING_REGION}` },
      { url: `/api/regions/${G}`, missing: `/api/regions/${MISSING_REGION}001` },
      // Their own town is an ancestor they may read, without its other children (scanned, not refused).
      ...(SAME_TOWN.includes(a.name) ? [{ url: `/api/regions/${TOWN}` }] : [{ url: `/api/regions/${TOWN}`, missing: '/api/regions/330683199' }]),
    ],
  },
  'GET /api/regions/:code/summary': {
    kind: 'read',
    why: 'a region’s counts',
    probes: (x, a) => [
      { url: `/api/regions/${V}/summary`, missing: `/api/regions/${MISSING_REGION}/summary` },
      ...(SAME_TOWN.includes(a.name) ? [{ url: `/api/regions/${TOWN}/summary` }] : [{ url: `/api/regions/${TOWN}/summary`, missing: '/api/regions/330683199/summary', noHome: true as const }]),
    ],
  },
  'GET /api/qr/regions/:code': {
    kind: 'read',
    why: 'the poster data of a region',
    probes: idRead(
      () => `/api/qr/regions/${V}`,
      () => `/api/qr/regions/${MISSING_REGION}`,
    ),
  },
  'GET /api/qr/regions/:code.png': {
    kind: 'read',
    why: 'the poster QR of a region',
    probes: idRead(
      () => `/api/qr/regions/${G}.png`,
      () => `/api/qr/regions/${MISSING_REGION}001.png`,
    ),
  },
  'GET /api/qr/places/:id': {
    kind: 'read',
    why: 'the poster data of a place',
    probes: idRead(
      (x) => `/api/qr/places/${x.place}`,
      () => `/api/qr/places/${rnd()}`,
    ),
  },
  'GET /api/qr/places/:id.png': {
    kind: 'read',
    why: 'the poster QR of a place',
    probes: idRead(
      (x) => `/api/qr/places/${x.place}.png`,
      () => `/api/qr/places/${rnd()}.png`,
    ),
  },
  'GET /api/public/reports/:trackingCode': {
    homeReads: false,
    kind: 'read',
    why: 'the tracking code is the resident’s key: a case id or number in its place finds nothing',
    probes: (x, a) => [
      { url: `/api/public/reports/${x.case}`, missing: `/api/public/reports/${rnd()}` },
      { url: `/api/public/reports/${x.caseNumber}`, missing: '/api/public/reports/MQ-20200101-9999' },
      ...(a.trackingCode ? [{ url: `/api/public/reports/${a.trackingCode}` }] : []),
    ],
  },
  'GET /api/public/reports/:trackingCode/photos/:photoId': {
    homeReads: false,
    kind: 'read',
    why: 'a result photo needs its case’s tracking code (a case id or number finds nothing) and is served only if it came with an answer',
    probes: (x, a) => [
      { url: `/api/public/reports/${x.case}/photos/${x.caseFile}`, missing: `/api/public/reports/${rnd()}/photos/${x.caseFile}` },
      { url: `/api/public/reports/${x.caseNumber}/photos/${x.caseFile}`, missing: `/api/public/reports/MQ-20200101-9999/photos/${x.caseFile}` },
      ...(a.trackingCode ? [{ url: `/api/public/reports/${a.trackingCode}/photos/${x.caseFile}` }] : []),
    ],
  },
  'GET /open311/v2/requests/:id': {
    homeReads: false,
    kind: 'read',
    why: 'GeoReport publishes only cases that came through Open311 (no personal data); others are 404',
    allow: ['open311'],
    probes: (x) => [
      { url: `/open311/v2/requests/${x.caseNumber}.json`, missing: '/open311/v2/requests/MQ-20200101-9999.json' },
      { url: `/open311/v2/requests/${x.importedCase}.json`, missing: `/open311/v2/requests/${rnd()}.json` },
      { url: `/open311/v2/requests/${x.openCaseNumber}.json` },
    ],
  },
  'GET /open311/v2/tokens/:token': {
    homeReads: false,
    kind: 'read',
    why: 'a token maps to its Open311 request only; case ids and numbers are not tokens',
    allow: ['open311'],
    probes: (x) => [
      { url: `/open311/v2/tokens/${x.case}.json`, missing: `/open311/v2/tokens/${rnd()}.json` },
      { url: `/open311/v2/tokens/${x.caseNumber}.json`, missing: '/open311/v2/tokens/MQ-20200101-9999.json' },
    ],
  },
  'GET /open311/v2/media/:number/:file': {
    homeReads: false,
    kind: 'read',
    why: 'photos of Open311 requests only',
    allow: ['open311'],
    probes: (x) => [{ url: `/open311/v2/media/${x.caseNumber}/${x.caseFile}.png`, missing: `/open311/v2/media/MQ-20200101-9999/${rnd()}.png` }],
  },

  // -- lists, search, counts, exports, streams ---------------------------------------------------------------------
  'GET /api/households': {
    kind: 'list',
    why: 'households of the caller’s area',
    probes: () => [
      { url: '/api/households?limit=500' },
      { url: `/api/households?regionCode=${V}` },
      { url: `/api/households?q=${MK}` },
      { url: '/api/households?nearLat=29.59&nearLng=120.82&limit=500' },
    ],
    control: (x) => ({ who: x.admin, probe: { url: '/api/households?limit=500' } }),
  },
  'GET /api/households/export': {
    kind: 'list',
    why: 'XLSX of the caller’s households',
    probes: () => [{ url: '/api/households/export' }, { url: `/api/households/export?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/households/export' } }),
  },
  'GET /api/persons': {
    kind: 'list',
    why: 'persons of the caller’s area',
    probes: (x) => [{ url: '/api/persons?limit=500' }, { url: `/api/persons?regionCode=${V}` }, { url: `/api/persons?q=${MK}` }, { url: `/api/persons?idNumber=${x.personIdNumber}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/persons?limit=500' } }),
  },
  'POST /api/persons/search': {
    kind: 'list',
    why: 'the person list with an exact ID number in the body: persons of the caller’s area only',
    probes: (x) => [
      { url: '/api/persons/search', body: { idNumber: x.personIdNumber } },
      { url: '/api/persons/search', body: { q: MK, regionCode: V } },
      { url: '/api/persons/search', body: {} },
    ],
    control: (x) => ({ who: x.admin, probe: { url: '/api/persons/search', body: { idNumber: x.personIdNumber } } }),
  },
  'GET /api/audit': {
    kind: 'list',
    why: 'the audit log of the caller’s area (who revealed, exported, imported, changed settings)',
    probes: (x) => [
      { url: '/api/audit?limit=200' },
      { url: `/api/audit?person=${x.person}` },
      { url: `/api/audit?actor=${x.admin.id}` },
      { url: `/api/audit?entityId=${x.importJob}` },
      { url: `/api/audit?actorQ=${MK}` },
    ],
    control: (x) => ({ who: x.admin, probe: { url: '/api/audit?limit=200' } }),
  },
  'GET /api/persons/export': {
    kind: 'list',
    why: 'XLSX of the caller’s persons',
    probes: () => [{ url: '/api/persons/export' }, { url: `/api/persons/export?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/persons/export' } }),
  },
  'GET /api/persons/lookup': {
    kind: 'list',
    why: 'caller lookup by phone: persons of the caller’s area only',
    probes: (x) => [{ url: `/api/persons/lookup?phone=${x.personPhone}` }],
    control: (x) => ({ who: x.admin, probe: { url: `/api/persons/lookup?phone=${x.personPhone}` } }),
  },
  'GET /api/enterprises': {
    kind: 'list',
    why: 'enterprises of the caller’s area',
    probes: (x) => [{ url: '/api/enterprises?limit=500' }, { url: `/api/enterprises?q=${MK}` }, { url: `/api/enterprises?creditCode=${x.creditCode}` }, { url: `/api/enterprises?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/enterprises?limit=500' } }),
  },
  'GET /api/places': {
    kind: 'list',
    why: 'places of the caller’s area',
    probes: () => [{ url: '/api/places?limit=500' }, { url: `/api/places?q=${MK}` }, { url: `/api/places?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/places?limit=500' } }),
  },
  'GET /api/diary': {
    kind: 'list',
    why: 'the diary feed of the caller’s area',
    probes: (x) => [{ url: '/api/diary?limit=100' }, { url: `/api/diary?regionCode=${V}` }, { url: `/api/diary?authorId=${x.admin.id}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/diary?limit=100' } }),
  },
  'GET /api/regions': {
    kind: 'list',
    why: 'the caller’s own region tree; an ancestor’s other children are not listed',
    probes: () => [
      { url: '/api/regions' },
      { url: `/api/regions?parent=${V}` },
      { url: `/api/regions?parent=${TOWN}` },
      { url: `/api/regions?q=${MK_REGION}` },
      { url: `/api/regions?parent=${COUNTY}` },
    ],
    control: (x) => ({ who: x.admin, probe: { url: `/api/regions?parent=${V}` } }),
  },
  'GET /api/units': {
    kind: 'list',
    why: 'units of the caller’s area',
    probes: () => [{ url: '/api/units?limit=500' }, { url: `/api/units?q=${MK}` }, { url: `/api/units?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/units?limit=500' } }),
  },
  'GET /api/users': {
    kind: 'list',
    why: 'the user directory of the caller’s area',
    probes: () => [{ url: '/api/users?limit=200' }, { url: `/api/users?q=${MK}` }, { url: `/api/users?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/users?limit=200' } }),
  },
  'GET /api/callbacks': {
    kind: 'list',
    why: '待回访: answered cases of the caller’s area to call back',
    probes: () => [{ url: '/api/callbacks?limit=200' }],
  },
  'GET /api/cases': {
    kind: 'list',
    why: 'cases of the caller’s area or unit, every work queue',
    probes: () => [
      { url: '/api/cases?limit=200' },
      { url: `/api/cases?regionCode=${V}` },
      { url: `/api/cases?q=${MK}` },
      ...CASE_QUEUES.map((queue) => ({ url: `/api/cases?queue=${queue}&limit=200` })),
    ],
    control: (x) => ({ who: x.admin, probe: { url: '/api/cases?limit=200' } }),
  },
  'GET /api/cases.xlsx': {
    kind: 'list',
    why: 'XLSX of the case list (the list’s filters and queues)',
    probes: () => [{ url: '/api/cases.xlsx' }, { url: `/api/cases.xlsx?regionCode=${V}` }, { url: '/api/cases.xlsx?queue=to_accept' }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/cases.xlsx' } }),
  },
  // Statistics (issue 13): figures of a region subtree the caller names; outside their area 404 like a missing one.
  'GET /api/stats/cases': {
    kind: 'read',
    why: 'case figures of a region subtree',
    probes: idRead(
      () => `/api/stats/cases?regionCode=${V}`,
      () => `/api/stats/cases?regionCode=${MISSING_REGION}`,
    ),
  },
  'GET /api/stats/cases.xlsx': {
    kind: 'read',
    why: 'the same figures as XLSX',
    probes: idRead(
      () => `/api/stats/cases.xlsx?regionCode=${V}`,
      () => `/api/stats/cases.xlsx?regionCode=${MISSING_REGION}`,
    ),
  },
  'GET /api/stats/visits': {
    kind: 'read',
    why: 'diary figures of a region subtree',
    probes: idRead(
      () => `/api/stats/visits?regionCode=${V}`,
      () => `/api/stats/visits?regionCode=${MISSING_REGION}`,
    ),
  },
  'GET /api/cockpit/summary': {
    kind: 'read',
    why: 'the cockpit’s numbers, feed and points of a region subtree',
    probes: idRead(
      () => `/api/cockpit/summary?regionCode=${V}`,
      () => `/api/cockpit/summary?regionCode=${MISSING_REGION}`,
    ),
  },
  // 考核评价 (issue 16): scores and awards of a region subtree; annotate / publish for leaders and admins of the area.
  ...Object.fromEntries(
    ['units', 'cadres', 'awards'].map((what) => [
      `GET /api/evaluation/${what}`,
      {
        kind: 'read',
        why: `evaluation ${what} of a region subtree for a month`,
        probes: idRead(
          () => `/api/evaluation/${what}?period=2026-11&regionCode=${V}`,
          () => `/api/evaluation/${what}?period=2026-11&regionCode=${MISSING_REGION}`,
        ),
      } satisfies Rule,
    ]),
  ),
  'GET /api/evaluation/awards/latest': {
    kind: 'read',
    why: 'the latest published awards of a region (the cockpit strip)',
    probes: idRead(
      () => `/api/evaluation/awards/latest?regionCode=${V}`,
      () => `/api/evaluation/awards/latest?regionCode=${MISSING_REGION}`,
    ),
  },
  'GET /api/evaluation/formulas': few(open('the evaluation formula versions (weights only, no area data)', () => [{ url: '/api/evaluation/formulas' }])),
  'PUT /api/evaluation/awards': {
    kind: 'write',
    why: 'annotate the home village’s draft awards',
    probes: () => [{ url: '/api/evaluation/awards', body: { period: '2026-11', regionCode: V, note: 'pwned' } }],
    rows: () => ['select * from evaluation_awards order by id'],
  },
  'POST /api/evaluation/awards/publish': {
    kind: 'write',
    why: 'publish the home village’s awards',
    probes: () => [{ url: '/api/evaluation/awards/publish', body: { period: '2026-11', regionCode: V, note: 'pwned' } }],
    rows: () => ['select * from evaluation_awards order by id'],
  },
  'POST /api/evaluation/formulas': {
    kind: 'write',
    why: 'a new evaluation formula version (county admins only)',
    probes: () => [
      {
        url: '/api/evaluation/formulas',
        body: {
          effectiveFrom: '2099-01',
          weights: {
            unit: { responseRate: 1, onTimeRate: 1, satisfactionRate: 1, closeRate: 1 },
            cadre: { responseRate: 1, onTimeRate: 1, satisfactionRate: 1, closeRate: 1, visitCoverage: 1, volunteerHours: 1 },
            penalties: { yellowCard: 0, redCard: 0, overdueCase: 0 },
            minCases: { unit: 0, cadre: 0 },
            hoursTarget: 1,
            awards: { top: 1, bottom: 1, minCases: 0, overdueWorkingDays: 5 },
          },
        },
      },
    ],
    rows: () => ['select count(*)::int as n from evaluation_formulas'],
  },
  'GET /api/cases/similar': {
    kind: 'list',
    why: 'possible duplicates among cases the caller may see',
    probes: (x) => [{ url: `/api/cases/similar?regionCode=${G}&text=${encodeURIComponent(x.caseTitle)}` }, { url: `/api/cases/similar?regionCode=${V}&text=${encodeURIComponent(x.caseTitle)}` }],
    control: (x) => ({ who: x.admin, probe: { url: `/api/cases/similar?regionCode=${V}&text=${encodeURIComponent(x.caseTitle)}` } }),
  },
  'GET /api/imports': {
    kind: 'list',
    why: 'import jobs: the caller’s own, or their area’s',
    probes: () => [{ url: '/api/imports' }, { url: '/api/imports?scope=area&limit=100' }, { url: '/api/imports?scope=area&kind=cases&limit=100' }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/imports?scope=area&limit=100' } }),
  },
  'GET /api/visits/compliance': {
    kind: 'list',
    why: 'visit figures of the caller’s area',
    probes: () => [{ url: '/api/visits/compliance' }, { url: `/api/visits/compliance?regionCode=${V}` }, { url: `/api/visits/compliance?regionCode=${TOWN}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/visits/compliance' } }),
  },
  'GET /api/visit-days': {
    kind: 'list',
    why: '民情日 in or above the caller’s area (the home town’s day is visible to its villages)',
    probes: () => [{ url: '/api/visit-days' }],
  },
  'GET /api/routing-rules': {
    kind: 'list',
    why: 'routing rules in or above the caller’s area',
    probes: () => [{ url: '/api/routing-rules' }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/routing-rules' } }),
  },
  'GET /api/push/keys': {
    kind: 'list',
    why: 'push keys of the caller’s area',
    probes: () => [{ url: '/api/push/keys' }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/push/keys' } }),
  },
  'GET /api/open311/keys': {
    kind: 'list',
    why: 'Open311 keys of the caller’s area',
    probes: () => [{ url: '/api/open311/keys' }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/open311/keys' } }),
  },
  'GET /api/notifications': {
    kind: 'list',
    why: 'the caller’s own notifications',
    probes: () => [{ url: '/api/notifications?limit=200' }],
    control: (x) => ({ who: x.cadre, probe: { url: '/api/notifications?limit=200' } }),
  },
  'GET /api/notifications/stream': { kind: 'sse', why: 'the caller’s own notifications, live (read for a while around a home notification)', probes: () => [] },
  'GET /api/cockpit/config': open('the county’s map tile source', () => [{ url: '/api/cockpit/config' }]),
  // Refusals are answered before the stream opens (probed here); what open streams carry is the test below.
  'GET /api/cockpit/stream': {
    kind: 'sse',
    why: 'a live “changed” for cases under the caller’s own region (a region outside it: 404)',
    probes: () => [{ url: `/api/cockpit/stream?regionCode=${V}` }, { url: `/api/cockpit/stream?regionCode=${G}` }],
  },
  'GET /open311/v2/requests': {
    kind: 'list',
    why: 'GeoReport: Open311 cases only, no personal data',
    allow: ['open311'],
    probes: (x) => [{ url: '/open311/v2/requests' }, { url: `/open311/v2/requests?service_request_id=${x.caseNumber},${x.openCaseNumber}` }],
  },
  'GET /open311/v2/requests.json': {
    kind: 'list',
    why: 'GeoReport: Open311 cases only, no personal data',
    allow: ['open311'],
    probes: (x) => [
      { url: '/open311/v2/requests.json' },
      { url: `/open311/v2/requests.json?service_request_id=${x.caseNumber},${x.openCaseNumber}` },
      { url: '/open311/v2/requests.json?status=open' },
    ],
  },
  'GET /open311/v2/requests.xml': {
    kind: 'list',
    why: 'GeoReport: Open311 cases only, no personal data',
    allow: ['open311'],
    probes: (x) => [{ url: '/open311/v2/requests.xml' }, { url: `/open311/v2/requests.xml?service_request_id=${x.caseNumber}` }],
  },
  'GET /open311/v2/servicerequestupdates': {
    kind: 'list',
    why: 'updates of Open311 cases only, no staff names or notes',
    allow: ['open311'],
    probes: () => [{ url: '/open311/v2/servicerequestupdates' }, { url: '/open311/v2/servicerequestupdates?api_key={KEY}' }],
  },
  'GET /open311/v2/servicerequestupdates.json': {
    kind: 'list',
    why: 'updates of Open311 cases only, no staff names or notes',
    allow: ['open311'],
    probes: () => [{ url: '/open311/v2/servicerequestupdates.json' }, { url: '/open311/v2/servicerequestupdates.json?api_key={KEY}' }],
  },
  'GET /open311/v2/servicerequestupdates.xml': {
    kind: 'list',
    why: 'updates of Open311 cases only, no staff names or notes',
    allow: ['open311'],
    probes: () => [{ url: '/open311/v2/servicerequestupdates.xml' }],
  },

  // -- writes aimed at the home rows --------------------------------------------------------------------------------
  'PATCH /api/households/:id': {
    kind: 'write',
    why: 'change a household',
    probes: (x) => [
      { url: `/api/households/${x.household}`, body: { notes: 'pwned' } },
      { url: `/api/households/${x.household}`, body: { regionCode: OTV } },
    ],
    rows: (x) => [`select * from households where id = ${q(x.household)}`],
  },
  'POST /api/households/:id/documents': {
    kind: 'write',
    why: 'file a document on a household',
    probes: (x) => [{ url: `/api/households/${x.household}/documents`, form: pngForm({ kind: '户口簿', title: 'pwned' }) }],
    rows: (x) => [`select count(*)::int as n from documents where owner_id = ${q(x.household)}`],
  },
  'PATCH /api/persons/:id': {
    kind: 'write',
    why: 'change a person',
    probes: (x) => [{ url: `/api/persons/${x.person}`, body: { notes: 'pwned' } }],
    rows: (x) => [`select * from persons where id = ${q(x.person)}`],
  },
  'POST /api/persons/:id/reveal': {
    kind: 'write',
    why: 'reveal a person’s ID number or phone (no answer, no audit row outside the area)',
    probes: (x) => [
      { url: `/api/persons/${x.person}/reveal`, body: { field: 'idNumber' } },
      { url: `/api/persons/${x.person}/reveal`, body: { field: 'phone' } },
    ],
    rows: (x) => [`select count(*)::int as n from audit_log where entity_id = ${q(x.person)}`],
  },
  'POST /api/persons/:id/documents': {
    kind: 'write',
    why: 'file a document on a person',
    probes: (x) => [{ url: `/api/persons/${x.person}/documents`, form: pngForm({ kind: '身份证复印件', title: 'pwned' }) }],
    rows: (x) => [`select count(*)::int as n from documents where owner_id = ${q(x.person)}`],
  },
  'PATCH /api/enterprises/:id': {
    kind: 'write',
    why: 'change an enterprise',
    probes: (x) => [{ url: `/api/enterprises/${x.enterprise}`, body: { notes: 'pwned' } }],
    rows: (x) => [`select * from enterprises where id = ${q(x.enterprise)}`],
  },
  'PATCH /api/places/:id': {
    kind: 'write',
    why: 'change a place',
    probes: (x) => [{ url: `/api/places/${x.place}`, body: { name: 'pwned' } }],
    rows: (x) => [`select * from places where id = ${q(x.place)}`],
  },
  'POST /api/diary/:id/photos': {
    kind: 'write',
    why: 'add a photo to a diary entry',
    probes: (x) => [{ url: `/api/diary/${x.diary}/photos`, form: pngForm({ clientId: clientId() }) }],
    rows: (x) => [`select count(*)::int as n from diary_photos where entry_id = ${q(x.diary)}`],
  },
  'POST /api/diary/:id/comments': {
    kind: 'write',
    why: 'comment on a diary entry',
    probes: (x) => [{ url: `/api/diary/${x.diary}/comments`, body: { text: 'pwned' } }],
    rows: (x) => [`select count(*)::int as n from diary_comments where entry_id = ${q(x.diary)}`],
  },
  'POST /api/diary/:id/review': {
    kind: 'write',
    why: 'mark a diary entry',
    probes: (x) => [{ url: `/api/diary/${x.diary}/review`, body: { review: 'good_example' } }],
    rows: (x) => [`select * from diary_entries where id = ${q(x.diary)}`],
  },
  'PATCH /api/regions/:code': {
    kind: 'write',
    why: 'rename a region',
    probes: () => [
      { url: `/api/regions/${V}`, body: { name: 'pwned' } },
      { url: `/api/regions/${G}`, body: { name: 'pwned' } },
      { url: `/api/regions/${TOWN}`, body: { name: 'pwned' } },
    ],
    rows: () => [`select * from regions where code in (${q(V)}, ${q(G)}, ${q(TOWN)}) order by code`],
  },
  'POST /api/regions': {
    kind: 'write',
    why: 'make a grid under the home village',
    probes: () => [{ url: '/api/regions', body: { parentCode: V, name: 'pwned' } }],
    rows: () => [`select count(*)::int as n from regions where path like '%/${V}/%'`],
  },
  'PATCH /api/units/:id': {
    kind: 'write',
    why: 'change a unit',
    probes: (x) => [
      { url: `/api/units/${x.unit}`, body: { name: 'pwned' } },
      { url: `/api/units/${x.unit}`, body: { regionCode: OTV } },
    ],
    rows: (x) => [`select * from units where id = ${q(x.unit)}`],
  },
  'POST /api/units': {
    kind: 'write',
    why: 'make a unit in the home village',
    probes: () => [{ url: '/api/units', body: { name: 'pwned', kind: 'department', regionCode: V } }],
    rows: () => [homeCount('units')],
  },
  'PATCH /api/users/:id': {
    kind: 'write',
    why: 'change a user (name, password, region, deactivate)',
    probes: (x) => [
      { url: `/api/users/${x.user}`, body: { name: 'pwned' } },
      { url: `/api/users/${x.user}`, body: { password: 'Zq-taken-over-8813' } },
      { url: `/api/users/${x.user}`, body: { active: false } },
    ],
    rows: (x) => [`select * from users where id = ${q(x.user)}`, `select count(*)::int as n from sessions where user_id = ${q(x.user)}`],
  },
  'POST /api/users': {
    kind: 'write',
    why: 'make a user in the home village',
    probes: () => [{ url: '/api/users', body: { phone: randomPhone(), name: 'pwned', password: 'Zq-new-user-8813', roles: ['grid_worker'], regionCode: V } }],
    rows: () => [homeCount('users')],
  },
  'POST /api/households': {
    kind: 'write',
    why: 'make a household in the home grid',
    probes: () => [{ url: '/api/households', body: { regionCode: G, address: 'pwned 1号' } }],
    rows: () => [homeCount('households')],
  },
  'POST /api/persons': {
    kind: 'write',
    why: 'add a person to the home household / village',
    probes: (x) => [
      { url: '/api/persons', body: { householdId: x.household, name: 'pwned' } },
      { url: '/api/persons', body: { regionCode: V, name: 'pwned' } },
    ],
    rows: () => [homeCount('persons')],
  },
  'POST /api/enterprises': {
    kind: 'write',
    why: 'add an enterprise in the home village',
    probes: () => [{ url: '/api/enterprises', body: { regionCode: V, name: 'pwned', creditCode: withCreditCheck('91330683MA2Z99999') } }],
    rows: () => [homeCount('enterprises')],
  },
  'POST /api/places': {
    kind: 'write',
    why: 'add a place in the home village',
    probes: () => [{ url: '/api/places', body: { regionCode: V, name: 'pwned', kind: '民情角' } }],
    rows: () => [homeCount('places')],
  },
  'POST /api/diary': {
    kind: 'write',
    why: 'write a diary entry about a home household',
    probes: (x) => [
      { url: '/api/diary', body: { clientId: clientId(), kind: 'village', householdId: x.household, text: 'pwned' } },
      { url: '/api/diary', body: { clientId: clientId(), kind: 'village', regionCode: V, text: 'pwned' } },
    ],
    rows: () => [homeCount('diary_entries')],
  },
  // -- 先锋任务 (issue 15): the home task and the home volunteer's record ------------------------------------------------
  'GET /api/tasks/:id': {
    kind: 'read',
    why: 'a task',
    probes: idRead(
      (x) => `/api/tasks/${x.task}`,
      () => `/api/tasks/${rnd()}`,
    ),
  },
  'GET /api/volunteers/:id/record': {
    kind: 'read',
    why: 'a volunteer’s record (own, or staff of their area)',
    probes: idRead(
      (x) => `/api/volunteers/${x.volunteer}/record`,
      () => `/api/volunteers/${rnd()}/record`,
    ),
  },
  'GET /api/tasks': {
    kind: 'list',
    why: 'the task hall: staff their area’s tasks, volunteers those of the area they reside in',
    probes: () => [{ url: '/api/tasks?limit=200' }, { url: `/api/tasks?regionCode=${V}&limit=200` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/tasks?limit=200' } }),
  },
  'POST /api/tasks': {
    kind: 'write',
    why: 'publish a task for the home village (notifies its volunteers)',
    probes: () => [
      {
        url: '/api/tasks',
        body: { title: 'pwned', regionCode: V, slots: 1, audience: 'any', startsAt: new Date(Date.now() + 86_400_000).toISOString(), endsAt: new Date(Date.now() + 90_000_000).toISOString() },
      },
    ],
    rows: () => [homeCount('tasks'), `select count(*)::int as n from notifications where kind = 'task.published'`],
  },
  ...Object.fromEntries(
    (
      [
        ['POST', 'claim', undefined],
        ['DELETE', 'claim', undefined],
        ['POST', 'checkin', {}],
        ['POST', 'checkout', {}],
        ['POST', 'finish', { report: 'pwned' }],
        ['POST', 'confirm', {}],
      ] as const
    ).map(([method, path, body]): [string, Rule] => [
      `${method} /api/tasks/:id/${path}`,
      {
        kind: 'write',
        why: `${path} on the home task`,
        probes: (x) => [{ url: `/api/tasks/${x.task}/${path}`, ...(body ? { body } : {}) }],
        rows: (x) => [
          `select * from tasks where id = ${q(x.task)}`,
          `select * from task_claims where task_id = ${q(x.task)}`,
          `select count(*)::int as n from task_events where task_id = ${q(x.task)}`,
        ],
      },
    ]),
  ),
  'POST /api/tasks/:id/photos': {
    kind: 'write',
    why: 'a finish-report photo on the home task (only its claimers)',
    probes: (x) => [{ url: `/api/tasks/${x.task}/photos`, form: pngForm() }],
    rows: (x) => homeTaskRows(x),
  },
  'GET /api/tasks/:id/photos/:photoId': {
    kind: 'read',
    why: 'a home task photo: the publisher’s side or its uploader',
    probes: idRead(
      (x) => `/api/tasks/${x.task}/photos/${x.taskPhoto}`,
      () => `/api/tasks/${rnd()}/photos/${rnd()}`,
    ),
  },
  'GET /api/tasks/:id/claims': {
    kind: 'read',
    why: 'the claimers of a task (publisher’s side all, a volunteer their own)',
    probes: idRead(
      (x) => `/api/tasks/${x.task}/claims`,
      () => `/api/tasks/${rnd()}/claims`,
    ),
  },
  'POST /api/tasks/:id/cancel': {
    kind: 'write',
    why: 'cancel the home task (tasks.publish, own area)',
    probes: (x) => [{ url: `/api/tasks/${x.task}/cancel`, body: { reason: 'pwned' } }],
    rows: (x) => homeTaskRows(x),
  },
  'POST /api/wishes': {
    kind: 'write',
    why: 'a 微心愿 for a home person (tasks.publish, the person in the caller’s area)',
    probes: (x) => [{ url: '/api/wishes', body: { personId: x.person, wish: 'pwned' } }],
    rows: () => [homeCount('tasks')],
  },
  // The board of a region is read like a region: one outside the caller's area answers as a missing one.
  'GET /api/volunteers/leaderboard': {
    kind: 'read',
    why: 'the leaderboard of a region of the caller’s area (a volunteer: only where they reside)',
    probes: idRead(
      () => `/api/volunteers/leaderboard?regionCode=${V}`,
      () => `/api/volunteers/leaderboard?regionCode=${MISSING_REGION}`,
    ),
  },
  'GET /api/tasks/:id/case': {
    kind: 'read',
    why: 'the case behind a task: its claimers and staff who may see the case',
    probes: idRead(
      (x) => `/api/tasks/${x.caseTask}/case`,
      () => `/api/tasks/${rnd()}/case`,
    ),
  },
  // -- teams, rotas, activities and the ledger (issue 15): the home team and the home 民情角 ---------------------------
  'GET /api/teams': {
    kind: 'list',
    why: 'teams: staff their area’s, a volunteer their own',
    probes: () => [{ url: '/api/teams' }, { url: `/api/teams?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/teams' } }),
  },
  'GET /api/teams/candidates': {
    kind: 'list',
    why: 'volunteers residing in a region of the caller’s area (team members to pick)',
    probes: () => [{ url: `/api/teams/candidates?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: `/api/teams/candidates?regionCode=${V}` } }),
  },
  'GET /api/teams/duty': {
    kind: 'list',
    why: 'who is on duty over the teams the caller reads',
    probes: () => [{ url: `/api/teams/duty?from=2027-01-04&to=2027-01-10` }, { url: `/api/teams/duty?from=2027-01-04&to=2027-01-10&regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: `/api/teams/duty?from=2027-01-04&to=2027-01-10` } }),
  },
  'POST /api/teams': {
    kind: 'write',
    why: 'a team in the home village',
    probes: () => [{ url: '/api/teams', body: { name: 'pwned', kind: 'other', regionCode: V } }],
    rows: () => [homeCount('volunteer_teams')],
  },
  'GET /api/teams/:id': {
    kind: 'read',
    why: 'a team',
    probes: idRead(
      (x) => `/api/teams/${x.team}`,
      () => `/api/teams/${rnd()}`,
    ),
  },
  'GET /api/teams/:id/rota': {
    kind: 'read',
    why: 'a team’s rota',
    probes: idRead(
      (x) => `/api/teams/${x.team}/rota`,
      () => `/api/teams/${rnd()}/rota`,
    ),
  },
  ...Object.fromEntries(
    (
      [
        ['PATCH', '', { name: 'pwned' }],
        ['DELETE', '', undefined],
        ['PUT', '/rota', { slots: [] }],
        ['POST', '/rota/exceptions', { date: '2027-01-08', start: '09:00', end: '10:00' }],
      ] as const
    ).map(([method, path, body]): [string, Rule] => [
      `${method} /api/teams/:id${path}`,
      {
        kind: 'write',
        why: `${method} ${path || 'the team'} of the home team`,
        probes: (x) => [{ url: `/api/teams/${x.team}${path}`, ...(body ? { body } : {}) }],
        rows: (x) => [
          `select * from volunteer_teams where id = ${q(x.team)}`,
          `select * from team_members where team_id = ${q(x.team)} order by user_id`,
          `select * from rota_slots where team_id = ${q(x.team)} order by id`,
          `select * from rota_exceptions where team_id = ${q(x.team)} order by id`,
        ],
      },
    ]),
  ),
  'DELETE /api/teams/:id/rota/exceptions/:exceptionId': {
    kind: 'write',
    why: 'remove the home team’s dated exception',
    probes: (x) => [{ url: `/api/teams/${x.team}/rota/exceptions/${x.rotaException}` }],
    rows: (x) => [`select * from rota_exceptions where team_id = ${q(x.team)} order by id`],
  },
  'GET /api/activities': {
    kind: 'list',
    why: 'activities: staff their area’s, volunteers the published ones of where they reside and of their teams',
    probes: () => [{ url: '/api/activities' }, { url: `/api/activities?regionCode=${V}&upcoming=true` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/activities' } }),
  },
  'GET /api/activities/ledger.xlsx': {
    kind: 'list',
    why: 'the 服务台账 of a period of the caller’s area',
    probes: (x) => [{ url: `/api/activities/ledger.xlsx?from=${x.sessionDate}&to=${x.sessionDate}` }],
    control: (x) => ({ who: x.admin, probe: { url: `/api/activities/ledger.xlsx?from=${x.sessionDate}&to=${x.sessionDate}` } }),
  },
  'POST /api/activities': {
    kind: 'write',
    why: 'an activity in the home village',
    probes: () => [{ url: '/api/activities', body: { title: 'pwned', kind: 'other', regionCode: V, recurrence: 'once', date: '2027-01-01', start: '09:00', end: '10:00', audience: 'volunteers' } }],
    rows: () => [homeCount('activities')],
  },
  'GET /api/activities/:id': {
    kind: 'read',
    why: 'an activity',
    probes: idRead(
      (x) => `/api/activities/${x.activity}`,
      () => `/api/activities/${rnd()}`,
    ),
  },
  'GET /api/activities/:id/announcement': {
    kind: 'read',
    why: 'an activity’s WeChat text and poster',
    probes: idRead(
      (x) => `/api/activities/${x.activity}/announcement`,
      () => `/api/activities/${rnd()}/announcement`,
    ),
  },
  'GET /api/activities/:id/sessions': {
    kind: 'read',
    why: 'an activity’s sessions',
    probes: idRead(
      (x) => `/api/activities/${x.activity}/sessions`,
      () => `/api/activities/${rnd()}/sessions`,
    ),
  },
  'GET /api/activities/:id/sessions/:date': {
    kind: 'read',
    why: 'a session’s ledger',
    probes: idRead(
      (x) => `/api/activities/${x.activity}/sessions/${x.sessionDate}`,
      (x) => `/api/activities/${rnd()}/sessions/${x.sessionDate}`,
    ),
  },
  ...Object.fromEntries(
    (
      [
        ['POST', '/publish', undefined],
        ['PUT', '/sessions/:date', { residentsCount: 99 }],
        ['POST', '/sessions/:date/items', { content: 'pwned', outcome: 'noted' }],
      ] as const
    ).map(([method, path, body]): [string, Rule] => [
      `${method} /api/activities/:id${path}`,
      {
        kind: 'write',
        why: `${method} ${path} of the home activity`,
        probes: (x) => [{ url: `/api/activities/${x.activity}${path.replace(':date', x.sessionDate)}`, ...(body ? { body } : {}) }],
        rows: (x) => [
          `select * from activities where id = ${q(x.activity)}`,
          `select * from activity_sessions where activity_id = ${q(x.activity)}`,
          `select count(*)::int as n from ledger_items i join activity_sessions s on s.id = i.session_id where s.activity_id = ${q(x.activity)}`,
          `select count(*)::int as n from notifications where kind = 'activity.published'`,
        ],
      },
    ]),
  ),
  // -- meetings and pacts (issue 16): the home village's 议事会 with a decision; its pact with a home partner unit -----
  'GET /api/meetings': {
    kind: 'list',
    why: 'meetings of the caller’s area',
    probes: () => [{ url: '/api/meetings' }, { url: `/api/meetings?regionCode=${V}&kind=council` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/meetings' } }),
  },
  'GET /api/meetings/choices': {
    kind: 'read',
    why: 'the staff and units of a region of the caller’s area, for a meeting',
    probes: idRead(
      () => `/api/meetings/choices?regionCode=${V}`,
      () => `/api/meetings/choices?regionCode=${MISSING_REGION}`,
    ),
  },
  'POST /api/meetings': {
    kind: 'write',
    why: 'a meeting in the home village',
    probes: () => [{ url: '/api/meetings', body: { kind: 'council', regionCode: V, heldOn: '2027-01-01', title: 'pwned' } }],
    rows: () => [homeCount('meetings')],
  },
  'GET /api/meetings/:id': {
    kind: 'read',
    why: 'a meeting with its decisions',
    probes: idRead(
      (x) => `/api/meetings/${x.meeting}`,
      () => `/api/meetings/${rnd()}`,
    ),
  },
  ...Object.fromEntries(
    (
      [
        ['PATCH', '', { minutes: 'pwned' }],
        ['POST', '/decisions', { content: 'pwned', ownerName: 'pwned', dueDate: '2027-01-01' }],
        ['POST', '/decisions/:decisionId/case', { title: 'pwned' }],
        ['POST', '/decisions/:decisionId/task', { title: 'pwned', startsAt: '2026-01-01T00:00:00Z', slots: 1 }],
      ] as const
    ).map(([method, path, body]): [string, Rule] => [
      `${method} /api/meetings/:id${path}`,
      {
        kind: 'write',
        why: `${method} ${path || '(edit)'} of the home meeting`,
        probes: (x) => [{ url: `/api/meetings/${x.meeting}${path.replace(':decisionId', x.decision)}`, body }],
        rows: (x) => [`select * from meetings where id = ${q(x.meeting)}`, `select * from meeting_decisions where meeting_id = ${q(x.meeting)} order by seq`],
      },
    ]),
  ),
  'GET /api/pacts': {
    kind: 'list',
    why: 'pacts of the communities of the caller’s area (and of their unit)',
    probes: () => [{ url: '/api/pacts' }, { url: `/api/pacts?regionCode=${V}` }, { url: '/api/pacts?board=true' }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/pacts' } }),
  },
  'GET /api/pacts/partners': {
    kind: 'list',
    why: 'partner units of the caller’s area or above it',
    probes: () => [{ url: '/api/pacts/partners' }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/pacts/partners' } }),
  },
  'POST /api/pacts': {
    kind: 'write',
    why: 'a pact for the home village, or with the home partner unit',
    probes: (x) => [{ url: '/api/pacts', body: { title: 'pwned', partnerUnitId: x.partner, regionCode: V, year: 2027 } }],
    rows: () => [homeCount('pacts')],
  },
  'GET /api/pacts/:id': {
    kind: 'read',
    why: 'a pact',
    probes: idRead(
      (x) => `/api/pacts/${x.pact}`,
      () => `/api/pacts/${rnd()}`,
    ),
  },
  ...Object.fromEntries(
    (
      [
        ['POST', '/items', { direction: 'unit_to_community', resource: 'funds', content: 'pwned' }],
        ['DELETE', '/items/:itemId', undefined],
        ['POST', '/sign', { signedOn: '2026-01-01', signatories: 'pwned' }],
        ['POST', '/publish', {}],
        ['POST', '/fulfil', {}],
        ['POST', '/logs', { doneOn: '2026-01-01', content: 'pwned' }],
        ['POST', '/rate', { score: 1, comment: 'pwned' }],
      ] as const
    ).map(([method, path, body]): [string, Rule] => [
      `${method} /api/pacts/:id${path}`,
      {
        kind: 'write',
        why: `${method} ${path} of the home pact`,
        probes: (x) => [{ url: `/api/pacts/${x.pact}${path.replace(':itemId', x.pactItem)}`, ...(body ? { body } : {}) }],
        rows: (x) => [
          `select * from pacts where id = ${q(x.pact)}`,
          `select * from pact_items where pact_id = ${q(x.pact)} order by id`,
          `select count(*)::int as n from pact_logs where pact_id = ${q(x.pact)}`,
          `select count(*)::int as n from pact_events where pact_id = ${q(x.pact)}`,
        ],
      },
    ]),
  ),
  // -- the brain (issue 14): classify, push, hot words, alerts, similar cases, 一类事; reports and the duty roster -------
  'POST /api/brain/classify': open('category suggestions for a text: no rows, no area data', () => [{ url: '/api/brain/classify', body: { text: '村口的路灯坏了' } }]),
  'POST /api/public/classify': open('the 民情码 page’s category suggestions (public by design): no rows', () => [{ url: '/api/public/classify', body: { text: '村口的路灯坏了' } }]),
  'POST /api/cases/:id/push': {
    kind: 'write',
    why: '一键推送 of a home case to leaders (cases.push, a case the caller may see)',
    probes: (x) => [{ url: `/api/cases/${x.case}/push`, body: { note: 'pwned' } }],
    rows: (x) => [...caseRows(x.case), `select count(*)::int as n from notifications`],
  },
  'GET /api/cases/:id/similar': {
    kind: 'read',
    why: 'cases similar to a home case',
    probes: idRead(
      (x) => `/api/cases/${x.case}/similar`,
      () => `/api/cases/${rnd()}/similar`,
    ),
  },
  'GET /api/brain/hotwords': {
    kind: 'read',
    why: 'hot words of a region of the caller’s area (stats.read)',
    probes: idRead(
      () => `/api/brain/hotwords?regionCode=${V}`,
      () => `/api/brain/hotwords?regionCode=${MISSING_REGION}`,
    ),
  },
  'GET /api/brain/hotwords/:word/docs': {
    kind: 'read',
    why: 'the home texts with a word (stats.read, region of the caller’s area)',
    probes: idRead(
      () => `/api/brain/hotwords/${encodeURIComponent('路灯')}/docs?regionCode=${V}`,
      () => `/api/brain/hotwords/${encodeURIComponent('路灯')}/docs?regionCode=${MISSING_REGION}`,
    ),
  },
  'GET /api/brain/alerts': {
    kind: 'list',
    why: 'the alerts of the caller’s area',
    probes: () => [{ url: '/api/brain/alerts' }, { url: `/api/brain/alerts?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/brain/alerts' } }),
  },
  'GET /api/brain/alerts/:id': {
    kind: 'read',
    why: 'a home alert',
    probes: idRead(
      (x) => `/api/brain/alerts/${x.alert}`,
      () => `/api/brain/alerts/${rnd()}`,
    ),
  },
  ...Object.fromEntries(
    (
      [
        ['ack', {}],
        ['handle', { note: 'pwned' }],
        ['assign', { userId: 'SELF' }],
      ] as const
    ).map(([path, body]): [string, Rule] => [
      `POST /api/brain/alerts/:id/${path}`,
      {
        kind: 'write',
        why: `${path} the home alert`,
        probes: (x, a) => [{ url: `/api/brain/alerts/${x.alert}/${path}`, body: 'userId' in body ? { userId: a.user?.id ?? rnd() } : body }],
        rows: (x) => [`select * from alerts where id = ${q(x.alert)}`, `select count(*)::int as n from alert_links where alert_id = ${q(x.alert)}`],
      },
    ]),
  ),
  'GET /api/brain/clusters': {
    kind: 'list',
    why: '一类事 touching a region of the caller’s area (one shared with another area names all its regions, by design)',
    allow: ['region'],
    probes: () => [{ url: '/api/brain/clusters' }, { url: `/api/brain/clusters?regionCode=${V}` }],
    control: (x) => ({ who: x.admin, probe: { url: '/api/brain/clusters' } }),
  },
  'GET /api/brain/clusters/:id': {
    kind: 'read',
    why: 'a 一类事 with home members only',
    probes: idRead(
      (x) => `/api/brain/clusters/${x.cluster}`,
      () => `/api/brain/clusters/${rnd()}`,
    ),
  },
  // Weekly reports are of a town or the county; the home admin is a village's, so the home town's report is only
  // probed (the reports tests show its own staff read it).
  'GET /api/reports/weekly': {
    kind: 'read',
    why: 'the home town’s weekly report (stats.read, within the caller’s area)',
    probes: () => [{ url: `/api/reports/weekly?regionCode=${TOWN}`, missing: '/api/reports/weekly?regionCode=330683199', noHome: true }],
  },
  // The county duty roster: county-level officers, no area rows; only county admins and leaders set it.
  'GET /api/duty/roster': open('the county’s duty roster: county officers, no area data', () => [{ url: '/api/duty/roster' }]),
  'PUT /api/duty/roster/:day': {
    kind: 'write',
    why: 'set a day of the county roster (county admins and leaders only)',
    probes: (_x, a) => [{ url: '/api/duty/roster/2027-02-01', body: { userIds: a.user ? [a.user.id] : [] } }],
    rows: () => [`select * from duty_roster order by county_id, day, user_id`],
  },
  'POST /api/cases': {
    kind: 'write',
    why: 'raise a case in the home grid, or about a home person',
    probes: (x) => [
      { url: '/api/cases', body: { regionCode: G, title: 'pwned', description: 'pwned' } },
      { url: '/api/cases', body: { regionCode: OTV, title: 'pwned', description: 'pwned', reporter: { personId: x.person } } },
    ],
    rows: (x) => [homeCount('cases'), `select count(*)::int as n from cases where reporter_person_id = ${q(x.person)}`],
  },
  // One route per action of the lifecycle table (issue 12).
  ...Object.fromEntries(
    CASE_ACTIONS.map((action): [string, Rule] => [
      `POST /api/cases/:id/actions/${action}`,
      { kind: 'write', why: `case action ${action} on a home case`, probes: (x) => [{ url: `/api/cases/${x.case}/actions/${action}`, body: actionBody(action, x) }], rows: (x) => caseRows(x.case) },
    ]),
  ),
  'POST /api/cases/:id/files': {
    kind: 'write',
    why: 'attach a photo to a home case',
    probes: (x) => [{ url: `/api/cases/${x.case}/files`, form: pngForm() }],
    rows: (x) => caseRows(x.case),
  },
  'POST /api/cases/:id/callback': {
    kind: 'write',
    why: 'record a call-back (a rating on the reporter’s behalf) on a home case',
    probes: (x) => [
      { url: `/api/cases/${x.case}/callback`, body: { outcome: 'rated', rating: 'satisfied' } },
      { url: `/api/cases/${x.case}/callback`, body: { outcome: 'unreachable' } },
    ],
    rows: (x) => caseRows(x.case),
  },
  'POST /api/cases/:id/callback/phone': {
    kind: 'write',
    why: 'reveal a home case reporter’s phone for a call-back (audited)',
    probes: (x) => [{ url: `/api/cases/${x.case}/callback/phone`, body: {} }],
    rows: (x) => [...caseRows(x.case), `select count(*)::int as n from audit_log where entity_id = ${q(x.case)}`],
  },
  'POST /api/public/reports/:trackingCode/rating': {
    kind: 'write',
    why: 'rate a home case without its tracking code (a case id or number is not a code)',
    probes: (x) => [
      { url: `/api/public/reports/${x.case}/rating`, body: { rating: 'satisfied' } },
      { url: `/api/public/reports/${x.caseNumber}/rating`, body: { rating: 'satisfied' } },
    ],
    rows: (x) => caseRows(x.case),
  },
  'POST /api/notifications/read': {
    kind: 'write',
    why: 'mark a home user’s notification read',
    probes: (x) => [{ url: '/api/notifications/read', body: { ids: [x.notification] } }],
    rows: (x) => [`select * from notifications where id = ${q(x.notification)}`],
    accept: (ans) => ans.status === 200 && JSON.parse(ans.text).updated === 0,
  },
  'POST /api/routing-rules': {
    kind: 'write',
    why: 'route a category inside the home village',
    probes: () => [{ url: '/api/routing-rules', body: { categoryCode: 'traffic.streetlight', regionCode: V, level: 'village' } }],
    rows: () => [`select count(*)::int as n from routing_rules x join regions r on r.id = x.region_id where r.path like '%/${V}/%'`],
  },
  'POST /api/visit-days': {
    kind: 'write',
    why: 'schedule a 民情日 for the home town',
    actors: STAFF_NAMES.filter((n) => !SAME_TOWN.includes(n)),
    probes: () => [{ url: '/api/visit-days', body: { regionCode: TOWN, date: '2027-03-15', title: 'pwned' } }],
    rows: () => [`select count(*)::int as n from visit_days x join regions r on r.id = x.region_id where r.code = ${q(TOWN)}`],
  },
  'POST /api/push/keys': {
    kind: 'write',
    why: 'issue a push key for the home village',
    probes: () => [{ url: '/api/push/keys', body: { name: 'pwned', source: 'zlxczs', regionCode: V } }],
    rows: () => [homeCount('api_clients')],
  },
  'DELETE /api/push/keys/:id': {
    kind: 'write',
    why: 'revoke the home push key',
    probes: (x) => [{ url: `/api/push/keys/${x.pushKeyId}` }],
    rows: (x) => [`select * from api_clients where id = ${q(x.pushKeyId)}`],
  },
  'POST /api/open311/keys': {
    kind: 'write',
    why: 'issue an Open311 key for the home village',
    probes: () => [{ url: '/api/open311/keys', body: { name: 'pwned', regionCode: V } }],
    rows: () => [homeCount('api_clients')],
  },
  'DELETE /api/open311/keys/:id': {
    kind: 'write',
    why: 'revoke the home Open311 key',
    probes: (x) => [{ url: `/api/open311/keys/${x.open311KeyId}` }],
    rows: (x) => [`select * from api_clients where id = ${q(x.open311KeyId)}`],
  },
  'POST /api/push/cases': {
    kind: 'write',
    why: 'a push key of another area: no case in the home village, and the home pushed case is not rewritten or closed',
    probes: (x) => [
      { url: '/api/push/cases', headers: { 'x-api-key': '{KEY}' }, body: [{ externalId: 'ZQ-NEW-1', description: 'pwned', regionCode: G }] },
      { url: '/api/push/cases', headers: { 'x-api-key': '{KEY}' }, body: [{ externalId: x.pushedExternalId, title: 'pwned', description: 'pwned', regionCode: OTV, status: '已办结' }] },
      { url: '/api/push/cases', headers: { 'x-api-key': '{KEY}' }, body: [{ externalId: x.pushedExternalId, title: 'pwned', description: 'pwned', status: '已办结' }] },
    ],
    rows: (x) => [homeCount('cases'), ...caseRows(x.pushedCase)],
    accept: (ans) => ans.status === 200 && JSON.parse(ans.text).accepted === 0,
  },
  'POST /api/imports/households': {
    kind: 'write',
    why: 'import rows into the home village, or move a home person (by ID number) out of it',
    probes: (x, a) => [
      {
        url: '/api/imports/households',
        form: csvForm(`区域代码,地址,姓名,与户主关系,身份证号\n${G},pwned 1号,pwned,户主,\n${a.user ? regionOfUser(a.name) : OTV},pwned 2号,pwned,户主,${x.personIdNumber}\n`),
      },
    ],
    rows: (x) => [homeCount('households'), homeCount('persons'), `select * from persons where id = ${q(x.person)}`],
    accept: async (ans, a) => ans.status === 202 && (await jobSettled(JSON.parse(ans.text).id, a)),
  },
  'POST /api/imports/cases': {
    kind: 'write',
    why: 'a case import of another area: no case in the home village, the home imported case is not rewritten or closed',
    probes: (x, a) => [
      {
        url: '/api/imports/cases',
        form: csvForm(`工单编号,诉求标题,诉求内容,区划代码,办理状态\nZQ-IMP-NEW,pwned,pwned,${G},处理中\n${x.importedExternalId},pwned,pwned,${a.user ? regionOfUser(a.name) : OTV},已办结\n`, {
          source: '12345',
        }),
      },
      // A mapping sent with an import is saved as the source's: here the home village's source.
      {
        url: '/api/imports/cases',
        form: csvForm(`编号X,内容X,代码X\nZQ-MAP-1,pwned,${a.user ? regionOfUser(a.name) : OTV}\n`, {
          source: x.source,
          mapping: JSON.stringify({ externalId: '编号X', description: '内容X', regionCode: '代码X' }),
        }),
      },
    ],
    rows: (x) => [homeCount('cases'), ...caseRows(x.importedCase), `select * from case_sources where code = ${q(x.source)}`],
    accept: async (ans, a) => ans.status === 202 && (await jobSettled(JSON.parse(ans.text).id, a)),
  },
  'POST /api/case-sources': {
    kind: 'write',
    why: 'a source whose default region is the home village',
    probes: () => [{ url: '/api/case-sources', body: { code: 'zqpwn', name: 'pwned', regionCode: V } }],
    rows: () => [`select count(*)::int as n from case_sources x join regions r on r.id = x.region_id where r.path like '%/${V}/%'`],
  },
  'PATCH /api/case-sources/:code': {
    kind: 'write',
    why: 'a source made for the home village (its mapping and status map decide how home cases import)',
    allow: ['region'],
    probes: (x) => [
      { url: `/api/case-sources/${x.source}`, body: { name: 'pwned' } },
      { url: `/api/case-sources/${x.source}`, body: { statusMap: { 处理中: 'closed' } } },
    ],
    rows: (x) => [`select * from case_sources where code = ${q(x.source)}`],
  },
  // County-wide settings: only a county-level admin changes them (issue 11 #8); every actor here is below the county.
  'POST /api/tags': {
    kind: 'write',
    why: 'county-wide tag catalogue',
    probes: () => [{ url: '/api/tags', body: { code: 'zq_pwned', name: 'pwned', appliesTo: 'person' } }],
    rows: () => ['select count(*)::int as n from tags'],
  },
  'POST /api/categories': {
    kind: 'write',
    why: 'county-wide category tree',
    probes: () => [{ url: '/api/categories', body: { code: 'zq.pwned', name: 'pwned', defaultLevel: 'village', limits: { normalDays: 5, urgentDays: 2, emergencyHours: 4 } } }],
    rows: () => ['select count(*)::int as n from categories'],
  },
  'PATCH /api/categories/:code': {
    kind: 'write',
    why: 'county-wide category limits and default units',
    probes: (x) => [{ url: `/api/categories/${x.category}`, body: { limits: { normalDays: 60, urgentDays: 30, emergencyHours: 72 } } }],
    rows: (x) => [`select * from categories where code = ${q(x.category)}`],
  },
  'PATCH /api/visits/rules/:id': {
    kind: 'write',
    why: 'county-wide visit rules',
    probes: (x) => [{ url: `/api/visits/rules/${x.visitRule}`, body: { target: 0 } }],
    rows: (x) => [`select * from visit_rules where id = ${x.visitRule}`],
  },
  'POST /open311/v2/requests': {
    kind: 'write',
    why: 'an Open311 key of another area reports into the home village',
    probes: () => [
      { url: '/open311/v2/requests', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `api_key={KEY}&service_code=traffic.streetlight&address_id=${G}&description=pwned` },
    ],
    rows: () => [homeCount('cases')],
  },
  'POST /open311/v2/requests.json': {
    kind: 'write',
    why: 'an Open311 key of another area reports into the home village',
    probes: () => [
      { url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `api_key={KEY}&service_code=traffic.streetlight&address_id=${V}&description=pwned` },
    ],
    rows: () => [homeCount('cases')],
  },
  'POST /open311/v2/requests.xml': {
    kind: 'write',
    why: 'an Open311 key of another area reports into the home village',
    probes: (x) => [
      {
        url: '/open311/v2/requests.xml',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `api_key={KEY}&service_code=traffic.streetlight&address_id=${x.place}&description=pwned`,
      },
    ],
    rows: () => [homeCount('cases')],
  },
  'POST /open311/v2/servicerequestupdates': {
    kind: 'write',
    why: 'an update on the home Open311 request from a key of another area',
    probes: (x) => [{ url: '/open311/v2/servicerequestupdates', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: updateForm(x.openCaseNumber) }],
    rows: (x) => caseRows(x.openCase),
  },
  'POST /open311/v2/servicerequestupdates.json': {
    kind: 'write',
    why: 'an update on the home Open311 request from a key of another area',
    probes: (x) => [{ url: '/open311/v2/servicerequestupdates.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: updateForm(x.openCaseNumber) }],
    rows: (x) => caseRows(x.openCase),
  },
  'POST /open311/v2/servicerequestupdates.xml': {
    kind: 'write',
    why: 'an update on the home Open311 request from a key of another area',
    probes: (x) => [{ url: '/open311/v2/servicerequestupdates.xml', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: updateForm(x.openCaseNumber) }],
    rows: (x) => caseRows(x.openCase),
  },
}

/** A valid body for each case action (so the probe reaches the access check, not the body check). */
function actionBody(action: (typeof CASE_ACTIONS)[number], x: Home): Record<string, unknown> {
  const bodies: Record<string, Record<string, unknown>> = {
    dispatch: { unitId: x.unit },
    transfer: { unitId: x.unit, reason: 'pwned' },
    return: { reason: 'pwned' },
    escalate: { reason: 'pwned' },
    reopen: { reason: 'pwned' },
    extend: { days: 5, reason: 'pwned' },
    approve_extension: { approved: true },
    supervise: { level: 'red' },
    reply: { result: 'pwned' },
    resolve_on_spot: { result: 'pwned' },
    rate: { rating: 'satisfied' },
    merge: { intoCaseId: x.importedCase },
    reject: { reason: 'pwned', kind: 'spam' },
  }
  return bodies[action] ?? {}
}

function updateForm(number: string) {
  return `api_key={KEY}&service_request_id=${number}&update_id=zq-${randomUUID().slice(0, 8)}&updated_datetime=2026-11-20T09:00:00%2B08:00&status=CLOSED&description=pwned`
}
/** A village inside the actor's own area (their village, their grid's village, or a village of their town). */
const regionOfUser = (n: ActorName) => (STAFF[n as StaffName].region.length === 9 ? STAFF[n as StaffName].region + '220' : STAFF[n as StaffName].region).slice(0, 12)

/** Waits for an import job the actor started; true once it is done or failed. */
async function jobSettled(id: string, a: Actor): Promise<boolean> {
  for (let i = 0; i < 600; i++) {
    const res = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: a.headers })
    const job = res.json()
    if (job.status === 'done' || job.status === 'failed') return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

// ---- the home area's rows ---------------------------------------------------------------------------------------
async function ok(who: { auth: Record<string, string> } | null, method: string, url: string, body?: unknown, form?: Probe['form'], status = [200, 201, 202]) {
  const res = await send({ headers: who?.auth ?? {} }, method, { url, body, form })
  if (!status.includes(res.status)) throw new Error(`setup ${method} ${url}: ${res.status} ${res.text.slice(0, 400)}`)
  return JSON.parse(res.text)
}

function mark(value: string | null | undefined, what: string, kind: MarkerKind = 'private') {
  if (value && value.replaceAll('*', '').length >= 6) markers.push({ value, kind, what })
}

async function makeHome(): Promise<Home> {
  const db = t.db
  await makeRegion(db, G, { [V]: `雅璜村${MK_REGION}`, [G]: `雅璜村第一网格${MK_REGION}`, [TOWN]: '石璜镇', [COUNTY]: '嵊州市' })
  await makeRegion(db, OV + '001')
  await makeRegion(db, OTV + '001')
  const countyAdmin = await makeUser(db, { roles: ['admin'], regionCode: COUNTY })
  const admin = await makeUser(db, { roles: ['admin'], regionCode: V, name: `俞${MK}管理` })
  const cadre = await makeUser(db, { roles: ['village_cadre'], regionCode: V, name: `俞${MK}干部` })
  const unit = await ok(admin, 'POST', '/api/units', { name: `雅璜村${MK}村委`, kind: 'village_committee', regionCode: V })
  const grid2 = await ok(admin, 'POST', '/api/regions', { parentCode: V, name: `第二网格${MK}` })

  const personIdNumber = withIdCheck('33068319570412813')
  const personPhone = '13957048813'
  const household = await ok(admin, 'POST', '/api/households', { regionCode: G, address: `雅璜村${MK}巷8号`, phone: '13957048814', notes: `${MK} 户备注` })
  const person = await ok(admin, 'POST', '/api/persons', { householdId: household.id, name: `俞${MK}`, relation: '户主', idNumber: personIdNumber, phone: personPhone, notes: `${MK} 人备注` })
  const creditCode = withCreditCheck('91330683MA2Q88131')
  const enterprise = await ok(admin, 'POST', '/api/enterprises', { regionCode: V, name: `${MK}茶业有限公司`, creditCode, contactName: `俞${MK}联系人`, contactPhone: '13957048815' })
  const place = await ok(admin, 'POST', '/api/places', { regionCode: V, name: `${MK}民情角`, kind: '民情角', address: `雅璜村${MK}礼堂` })
  const document = await ok(admin, 'POST', `/api/households/${household.id}/documents`, undefined, pngForm({ kind: '户口簿', title: `${MK}户口簿` }))
  const diary = await ok(admin, 'POST', '/api/diary', { clientId: clientId(), kind: 'village', householdId: household.id, text: `走访${MK},反映路灯坏了`, concerns: [`${MK}路灯`] })
  const withPhoto = await ok(admin, 'POST', `/api/diary/${diary.id}/photos`, undefined, pngForm({ clientId: clientId() }))
  const photo = { id: String(withPhoto.photos[0].url).split('/').pop()! }
  const caseTitle = `${MK}村口路灯不亮`
  const kase = await ok(admin, 'POST', '/api/cases', {
    regionCode: G,
    categoryCode: 'traffic.streetlight',
    title: caseTitle,
    description: `${MK}村口三盏路灯坏了一周`,
    reporter: { personId: person.id },
    address: `${MK}村口`,
  })
  const withFile = await ok(admin, 'POST', `/api/cases/${kase.id}/files`, undefined, pngForm())
  const caseFile = { id: String(withFile.files[0].url).split('/').pop()! }

  // API keys of the home village, an Open311 request and a pushed case through them.
  const o311 = await ok(admin, 'POST', '/api/open311/keys', { name: `${MK}接入`, regionCode: V })
  const openRes = await t.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: o311.apiKey,
      service_code: 'traffic.streetlight',
      address_id: G,
      description: `${MK_PUB}路灯不亮`,
      first_name: `${MK}名`,
      last_name: '俞',
      phone: '13957048816',
    }).toString(),
    remoteAddress: nextIp(),
  })
  if (openRes.statusCode !== 200) throw new Error(`setup open311: ${openRes.body}`)
  const [{ service_request_id: openCaseNumber, token: openCaseToken }] = openRes.json()
  const openCase = (await db.selectFrom('cases').select(['id', 'tracking_code']).where('number', '=', openCaseNumber).executeTakeFirstOrThrow()).id
  const push = await ok(admin, 'POST', '/api/push/keys', { name: `${MK}推送`, source: 'zlxczs', regionCode: V })
  const pushedExternalId = 'ZQ-PUSH-0001'
  const pushed = await send({ headers: { 'x-api-key': push.apiKey } }, 'POST', {
    url: '/api/push/cases',
    body: [{ externalId: pushedExternalId, title: `${MK}推送事项`, description: `${MK}村道积水`, regionCode: G, status: '处理中', reporterName: `${MK}王`, reporterPhone: '13957048817' }],
  })
  const pushedCase = JSON.parse(pushed.text).results?.[0]?.caseId
  if (!pushedCase) throw new Error(`setup push: ${pushed.text}`)

  // An archive import job (one row rejected, so the report has content) and a case import from 12345.
  const job = await ok(admin, 'POST', '/api/imports/households', undefined, csvForm(`区域代码,地址,姓名,与户主关系,联系电话\n${G},${MK}巷9号,俞${MK}乙,户主,13957048818\n${G},,缺地址${MK},户主,\n`))
  await jobSettled(job.id, { name: 'anonymous', headers: admin.auth })
  const importedExternalId = 'ZQ-12345-0001'
  const cjob = await ok(
    admin,
    'POST',
    '/api/imports/cases',
    undefined,
    csvForm(`工单编号,诉求标题,诉求内容,区划代码,联系电话,办理状态\n${importedExternalId},${MK}导入,${MK}噪音扰民,${G},13957048819,处理中\n`, { source: '12345' }),
  )
  await jobSettled(cjob.id, { name: 'anonymous', headers: admin.auth })
  const importedCase = (await db.selectFrom('cases').select('id').where('external_id', '=', importedExternalId).executeTakeFirstOrThrow()).id

  await ok(admin, 'POST', '/api/routing-rules', { categoryCode: 'traffic.streetlight', regionCode: V, level: 'village', unitId: unit.id })
  const source = await ok(countyAdmin, 'POST', '/api/case-sources', { code: 'zqhome', name: '雅璜村对接平台', regionCode: V })
  await ok(countyAdmin, 'POST', '/api/visit-days', { regionCode: TOWN, date: '2027-03-16', title: `${MK_TOWN}民情日` })
  const notification = await db.selectFrom('notifications').select('id').where('user_id', '=', cadre.id).executeTakeFirst()
  if (!notification) throw new Error('setup: the home dispatcher got no notification')
  const visitRule = (await db.selectFrom('visit_rules').select('id').executeTakeFirstOrThrow()).id
  // 先锋任务 (issue 15): a home task claimed by a volunteer residing in the home grid.
  const homeVolunteer = await makeUser(db, { roles: ['volunteer'], regionCode: G, name: `俞${MK}志愿者` })
  const task = await ok(
    admin,
    'POST',
    '/api/tasks',
    {
      title: `${MK}帮老人搬杂物`,
      description: `${MK}任务说明`,
      regionCode: V,
      slots: 3,
      audience: 'any',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
    },
    undefined,
    [201],
  )
  await ok(homeVolunteer, 'POST', `/api/tasks/${task.id}/claim`, undefined, undefined, [201])
  const taskPhoto = await ok(homeVolunteer, 'POST', `/api/tasks/${task.id}/photos`, undefined, pngForm(), [201])
  const caseTask = await ok(
    admin,
    'POST',
    '/api/tasks',
    {
      title: `${MK}路灯巡查`,
      regionCode: V,
      slots: 1,
      audience: 'any',
      caseId: kase.id,
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 90_000_000).toISOString(),
    },
    undefined,
    [201],
  )
  // The brain (issue 14): a home alert linking the home case.
  const homeRegion = await db.selectFrom('regions').select('id').where('code', '=', V).executeTakeFirstOrThrow()
  const alert = await t.app.services.alerts.raise(db, { kind: 'common_issue', key: `am:${MK}`, title: `${MK}预警路灯`, regionId: homeRegion.id, caseIds: [kase.id] })
  await t.app.services.alerts.idle()
  // A home 一类事 of its own: two diary entries on a matter nothing else in the test mentions (the 路灯 one is joined
  // by outsiders' own cases that other rules raise in their areas, which makes it a shared cluster).
  const bridge = [
    // Each records the concern: only problem texts form 一类事 (routine visit notes do not).
    await ok(admin, 'POST', '/api/diary', {
      clientId: clientId(),
      kind: 'village',
      regionCode: V,
      text: `${MK}村里古桥的石栏杆松动了，老人孩子过桥很危险，村民担心安全`,
      concerns: ['古桥石栏杆松动需维修'],
    }),
    await ok(admin, 'POST', '/api/diary', {
      clientId: clientId(),
      kind: 'village',
      regionCode: V,
      text: `${MK}古桥石栏杆松动，过桥危险，村民很担心老人和孩子的安全`,
      concerns: ['古桥栏杆松动，请尽快修'],
    }),
  ]
  await t.app.services.brainIndexer.fold()
  const clusterOf = async (refId: string) => (await sql<{ cluster_id: string }>`select cluster_id from brain_cluster_members where ref_id = ${refId}`.execute(db)).rows[0]?.cluster_id
  const clusterId = (await clusterOf(bridge[0].id))!
  if (!clusterId || (await clusterOf(bridge[1].id)) !== clusterId) throw new Error('setup: the two home diary entries are not one 一类事')
  // Teams, rotas, activities and the ledger (issue 15): a home team on duty, a home 民情角 with today's session.
  const team = await ok(admin, 'POST', '/api/teams', { name: `${MK}调解队`, kind: 'lawyer', regionCode: V, memberIds: [homeVolunteer.id], leaderId: homeVolunteer.id }, undefined, [201])
  const rota = await ok(admin, 'PUT', `/api/teams/${team.id}/rota`, { slots: [{ weekday: 3, start: '14:00', end: '17:00', place: `${MK}民情角`, userId: homeVolunteer.id }] })
  const rotaEx = await ok(admin, 'POST', `/api/teams/${team.id}/rota/exceptions`, { date: '2027-01-07', start: '09:00', end: '10:00', place: `${MK}加班`, userId: homeVolunteer.id }, undefined, [201])
  if (!rota.slots.length) throw new Error('setup: no rota slot')
  const sessionDate = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const activity = await ok(
    admin,
    'POST',
    '/api/activities',
    {
      title: `${MK}民情角活动`,
      kind: 'minqing_corner',
      regionCode: V,
      place: `${MK}村委会`,
      recurrence: 'once',
      date: sessionDate,
      start: '00:00',
      end: '23:30',
      teamId: team.id,
      audience: 'volunteers',
    },
    undefined,
    [201],
  )
  await ok(admin, 'POST', `/api/activities/${activity.id}/publish`)
  await ok(admin, 'PUT', `/api/activities/${activity.id}/sessions/${sessionDate}`, { residentsCount: 7, notes: `${MK}台账`, attendeeIds: [homeVolunteer.id] })
  await ok(admin, 'POST', `/api/activities/${activity.id}/sessions/${sessionDate}/items`, { content: `${MK}反映事项`, outcome: 'noted' }, undefined, [201])
  // Meetings and pacts (issue 16): the home village's 议事会 with a decision; a pact with a home partner unit.
  const meeting = await ok(admin, 'POST', '/api/meetings', { kind: 'council', regionCode: V, heldOn: '2026-11-20', title: `${MK}议事会`, minutes: `${MK}纪要` }, undefined, [201])
  const withDecision = await ok(admin, 'POST', `/api/meetings/${meeting.id}/decisions`, { content: `${MK}决定`, ownerName: `${MK}负责人`, dueDate: '2027-01-31' }, undefined, [201])
  const partnerUnit = await ok(admin, 'POST', '/api/units', { name: `${MK}共建单位`, kind: 'partner', regionCode: V }, undefined, [201])
  const pact = await ok(
    admin,
    'POST',
    '/api/pacts',
    { title: `${MK}契约`, partnerUnitId: partnerUnit.id, regionCode: V, year: 2026, items: [{ direction: 'unit_to_community', resource: 'venue', content: `${MK}场地` }] },
    undefined,
    [201],
  )

  const trackingCode = (await db.selectFrom('cases').select('tracking_code').where('id', '=', kase.id).executeTakeFirstOrThrow()).tracking_code
  // What must not reach an outsider.
  for (const [what, v] of Object.entries({
    household: household.id,
    person: person.id,
    enterprise: enterprise.id,
    place: place.id,
    document: document.id,
    diary: diary.id,
    photo: photo.id,
    unit: unit.id,
    user: cadre.id,
    admin: admin.id,
    case: kase.id,
    task: task.id,
    volunteer: homeVolunteer.id,
    team: team.id,
    activity: activity.id,
    meeting: meeting.id,
    pact: pact.id,
    taskPhoto: taskPhoto.id,
    caseTask: caseTask.id,
    alert: alert.id,
    cluster: clusterId,
    bridgeDiary: bridge[0].id,
    bridgeDiary2: bridge[1].id,
    caseFile: caseFile.id,
    importJob: job.id,
    caseImportJob: cjob.id,
    importedCase,
    pushedCase,
    openCase,
    pushKey: push.id,
    open311Key: o311.id,
    grid2: grid2.code,
  }))
    mark(v, what)
  mark(MK, 'a home text')
  mark(kase.number, 'case number')
  mark(trackingCode, 'tracking code')
  mark(openCaseToken, 'Open311 tracking code')
  mark(person.phone, 'masked phone')
  mark(household.phone, 'masked household phone')
  mark(personIdNumber, 'clear ID number')
  mark(personPhone, 'clear phone')
  mark(MK_TOWN, 'home town visit day', 'town')
  mark(MK_REGION, 'home region name', 'region')
  mark(MK_PUB, 'Open311 request title', 'open311')
  mark(openCaseNumber, 'Open311 request number', 'open311')
  for (const n of ['13957048814', '13957048815', '13957048816', '13957048817', '13957048818', '13957048819']) mark(n, 'clear phone')

  return {
    admin,
    cadre,
    countyAdmin,
    household: household.id,
    person: person.id,
    personIdNumber,
    personPhone,
    enterprise: enterprise.id,
    creditCode,
    place: place.id,
    diary: diary.id,
    diaryPhoto: photo.id,
    document: document.id,
    unit: unit.id,
    user: cadre.id,
    case: kase.id,
    caseNumber: kase.number,
    caseFile: caseFile.id,
    caseTitle,
    openCase,
    openCaseNumber,
    openCaseToken,
    importJob: job.id,
    importedCase,
    importedExternalId,
    pushedCase,
    pushedExternalId,
    pushKeyId: push.id,
    open311KeyId: o311.id,
    source: source.code,
    notification: notification.id,
    visitRule,
    category: 'traffic.streetlight',
    task: task.id,
    volunteer: homeVolunteer.id,
    team: team.id,
    rotaException: rotaEx.exceptions.find((e: { date: string }) => e.date === '2027-01-07').id,
    activity: activity.id,
    sessionDate,
    meeting: meeting.id,
    decision: withDecision.decisions[0].id,
    pact: pact.id,
    pactItem: pact.items[0].id,
    partner: partnerUnit.id,
    taskPhoto: taskPhoto.id,
    caseTask: caseTask.id,
    alert: alert.id,
    cluster: clusterId,
  }
}

const spareTokens: string[] = []
const spareSession = () => spareTokens.pop() ?? 'no-spare-session'

async function makeActors() {
  for (let i = 0; i < ACTOR_NAMES.length; i++) spareTokens.push((await makeUser(t.db, { roles: ['village_cadre'], regionCode: OTV })).token)
  for (const [name, s] of Object.entries(STAFF) as [StaffName, (typeof STAFF)[StaffName]][]) {
    const unit = name === 'townHandler' || name === 'deptHandler' ? (await makeUnit(t.db, OT, { kind: name === 'townHandler' ? 'town_office' : 'department' })).id : undefined
    const user = await makeUser(t.db, { roles: s.roles, regionCode: s.region, station: s.station, unitId: unit })
    actors.set(name, { name, headers: user.auth, user })
  }
  const otAdmin = actors.get('townAdmin')!.user!
  const o311 = await ok(otAdmin, 'POST', '/api/open311/keys', { name: '谷来镇接入', regionCode: OT })
  const push = await ok(otAdmin, 'POST', '/api/push/keys', { name: '谷来镇推送', source: 'zlxczs', regionCode: OT })
  // The resident holds the tracking code of their own report in the other town.
  const res = await t.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ api_key: o311.apiKey, service_code: 'traffic.streetlight', address_id: OTV, description: '王院村路灯不亮' }).toString(),
    remoteAddress: nextIp(),
  })
  const trackingCode = res.json()[0].token as string
  actors.set('resident', { name: 'resident', headers: {}, trackingCode })
  actors.set('open311Key', { name: 'open311Key', headers: {}, key: o311.apiKey })
  actors.set('pushKey', { name: 'pushKey', headers: { 'x-api-key': push.apiKey }, key: push.apiKey })
  actors.set('anonymous', { name: 'anonymous', headers: {} })
}

// ---- the test ---------------------------------------------------------------------------------------------------
const routeKey = (r: string) => (r.startsWith('HEAD ') ? 'GET ' + r.slice(5) : r)
function ruleFor(route: string): Rule | undefined {
  const [method, url] = route.split(' ')
  return RULES[routeKey(route)] ?? RULES[`ALL ${url}`] ?? (method === 'HEAD' ? RULES[`ALL ${url}`] : undefined)
}

beforeAll(async () => {
  t = await createTestApp()
  h = await makeHome()
  await makeActors()
}, 300_000)
afterAll(async () => {
  const noHead = [...liveRoutes].filter((r) => !r.startsWith('HEAD ')).length
  console.log(
    `access matrix: ${liveRoutes.size} routes (method + url; ${noHead} without HEAD) under ${Object.keys(RULES).length} rules, ${ACTOR_NAMES.length} actors, ${markers.length} home markers, ${requests} requests`,
  )
  await t?.close()
})

describe('access matrix', () => {
  it('has a rule for every route of the live route table', () => {
    expect(liveRoutes.size).toBeGreaterThan(100)
    const missing = [...liveRoutes].filter((r) => !ruleFor(r)).map((r) => `route ${r} has no access rule: add one to the matrix`)
    expect(missing).toEqual([])
    const [anyHead] = [...liveRoutes].filter((r) => r.startsWith('HEAD ') && !liveRoutes.has('GET ' + r.slice(5)) && !RULES[`ALL ${r.slice(5)}`])
    expect(anyHead, 'a HEAD route without its GET').toBeUndefined()
  })

  it('names no route that does not exist', () => {
    const stale = Object.keys(RULES).filter((k) => (k.startsWith('ALL ') ? ![...liveRoutes].some((r) => r.endsWith(' ' + k.slice(4))) : !liveRoutes.has(k)))
    expect(stale).toEqual([])
  })

  for (const [route, rule] of Object.entries(RULES)) {
    if (rule.kind === 'sse') continue
    it(`${route} — ${rule.kind}: ${rule.why}`, async () => {
      const [method] = route.split(' ')
      const failures: string[] = []
      let pastTheDoor = false // some actor's request reached the route's own checks (else the probe proves nothing)
      const snapshot = async () => (rule.rows ? await Promise.all(rule.rows(h).map(async (s) => JSON.stringify((await sql.raw(s).execute(t.db)).rows))) : [])
      const before = await snapshot()
      for (const name of rule.actors ?? ACTOR_NAMES) {
        const a = actors.get(name)!
        for (const p of rule.probes(h, a)) {
          const m = p.method ?? (method === 'ALL' ? 'GET' : method)
          const ans = await send(a, m, p)
          const where = `${name} ${m} ${p.url}`
          // MATRIX_DEBUG=<part of a route key> prints what that route answered each actor.
          if (process.env.MATRIX_DEBUG && route.includes(process.env.MATRIX_DEBUG)) console.log(where, ans.status, ans.text.slice(0, 400))
          if (ans.status !== 401 && ans.code !== 'INVALID_API_KEY' && ans.code !== 'VALIDATION_FAILED' && !(ans.code === '403' && name !== 'open311Key')) pastTheDoor = true
          if (ans.status >= 500) failures.push(`${where}: ${ans.status} ${ans.text.slice(0, 200)}`)
          if (ans.status >= 400 && p.url.startsWith('/api/') && !ans.code) failures.push(`${where}: ${ans.status} without the JSON error shape`)
          const leaked = leaks(ans, name, p, rule.allow ?? [])
          if (leaked.length) failures.push(`${where}: ${ans.status} leaks ${leaked.join(', ')}`)
          if (rule.kind === 'read' && p.missing) {
            if (ans.status < 400 || ![401, 403, 404].includes(ans.status)) failures.push(`${where}: out-of-area read answered ${ans.status}`)
            const miss = await send(a, m, p, p.missing)
            const plain = (x: Answer) => `${x.status} ${x.code} ${x.contentType} ${(x.message ?? '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}|MQ-\d{8}-\d{4}|\d{9,15}|[A-Z0-9]{10}/g, '#')}`
            if (plain(ans) !== plain(miss)) failures.push(`${where}: answers ${plain(ans)} but a missing id answers ${plain(miss)}`)
            if (m === 'GET') {
              const head = await send(a, 'HEAD', p)
              if (head.status !== ans.status) failures.push(`${name} HEAD ${p.url}: ${head.status}, GET answered ${ans.status}`)
            }
          }
          if (rule.kind === 'write') {
            const refused =
              [401, 403, 404].includes(ans.status) ||
              (ans.status === 400 && /^(UNKNOWN_|INVALID_API_KEY)/.test(ans.code ?? '')) ||
              (p.url.startsWith('/open311') && [400, 403, 404].includes(ans.status) && ans.code !== '400')
            if (!refused && !(rule.accept && (await rule.accept(ans, a)))) failures.push(`${where}: write not refused: ${ans.status} ${ans.text.slice(0, 200)}`)
          }
        }
      }
      if (rule.kind !== 'open' && !pastTheDoor) failures.push('no actor got past authentication or validation: the probes prove nothing')
      const after = await snapshot()
      for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) failures.push(`rows changed: ${rule.rows!(h)[i]}\n  before ${before[i].slice(0, 600)}\n  after  ${after[i].slice(0, 600)}`)
      if (rule.kind === 'read' && rule.homeReads !== false) {
        for (const p of rule.probes(h, { name: 'home' as ActorName, headers: h.admin.auth })) {
          if (!p.missing || p.noHome) continue
          const ans = await send({ headers: h.admin.auth }, method, p)
          if (ans.status >= 300) failures.push(`control: the home admin's ${p.url} answers ${ans.status}: not a real row`)
        }
      }
      if (rule.control) {
        const c = rule.control(h)
        const ans = await send({ headers: c.who.auth }, method, c.probe)
        if (!markers.some((mk) => mk.kind === 'private' && ans.text.includes(mk.value)))
          failures.push(`control: the home user's ${c.probe.url} shows no home row (${ans.status}): the scan proves nothing`)
      }
      expect(failures).toEqual([])
    })
  }

  it('GET /api/notifications/stream — sse: outsiders’ live streams carry nothing of a home notification', async () => {
    const rule = RULES['GET /api/notifications/stream']
    expect(rule.kind).toBe('sse')
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    const who: [string, Record<string, string>][] = [['home', h.cadre.auth], ...ACTOR_NAMES.map((n) => [n, actors.get(n)!.headers] as [string, Record<string, string>])]
    const abort = new AbortController()
    const texts = new Map<string, string>()
    const readers = who.map(async ([name, headers]) => {
      requests++
      const res = await fetch(`${base}/api/notifications/stream`, { headers, signal: abort.signal }).catch(() => undefined)
      if (!res?.body) return texts.set(name, '')
      if (!res.ok) return texts.set(name, await res.text())
      const reader = res.body.getReader()
      let text = ''
      try {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          text += Buffer.from(value).toString('utf8')
          texts.set(name, text)
        }
      } catch {
        // Not JSON: keep the raw text.
      }
      texts.set(name, text)
    })
    await new Promise((r) => setTimeout(r, 300))
    // A new home case: its dispatchers (the home cadre) are told at once.
    await ok(h.admin, 'POST', '/api/cases', { regionCode: G, categoryCode: 'traffic.streetlight', title: `${MK}实时通知`, description: `${MK}实时通知` })
    for (let i = 0; i < 100 && !(texts.get('home') ?? '').includes(MK); i++) await new Promise((r) => setTimeout(r, 50))
    await new Promise((r) => setTimeout(r, 200))
    abort.abort()
    await Promise.allSettled(readers)
    expect(texts.get('home'), 'control: the home dispatcher’s stream shows the notification').toContain(MK)
    const leaked = ACTOR_NAMES.filter((n) => (texts.get(n) ?? '').includes(MK))
    expect(leaked).toEqual([])
  })

  it('GET /api/cockpit/stream — sse: no outsider opens the home village’s stream, and their own streams stay quiet on a home case', async () => {
    const rule = RULES['GET /api/cockpit/stream']
    expect(rule.kind).toBe('sse')
    const failures: string[] = []
    for (const name of ACTOR_NAMES) {
      for (const p of rule.probes(h, actors.get(name)!)) {
        const ans = await send(actors.get(name)!, 'GET', p)
        if (![400, 401, 403, 404].includes(ans.status) || !ans.code) failures.push(`${name} ${p.url}: ${ans.status} ${ans.text.slice(0, 120)}`)
      }
    }
    expect(failures).toEqual([])
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    const who: [string, Record<string, string>][] = [['home', h.countyAdmin.auth], ...ACTOR_NAMES.map((n) => [n, actors.get(n)!.headers] as [string, Record<string, string>])]
    const abort = new AbortController()
    const texts = new Map<string, string>()
    const readers = who.map(async ([name, headers]) => {
      requests++
      const res = await fetch(`${base}/api/cockpit/stream`, { headers, signal: abort.signal }).catch(() => undefined)
      if (!res?.body || !res.ok) return texts.set(name, '')
      const reader = res.body.getReader()
      let text = ''
      try {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          text += Buffer.from(value).toString('utf8')
          texts.set(name, text)
        }
      } catch {
        // Not JSON: keep the raw text.
      }
      texts.set(name, text)
    })
    // Let what earlier rules wrote settle first (the statistics folder may still be folding other towns' cases,
    // and says so to their screens): only what comes after the home case counts.
    const snapshot = () => JSON.stringify([...texts.entries()])
    let last = ''
    for (let quiet = 0, i = 0; quiet < 16 && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 50))
      const now = snapshot()
      quiet = now === last ? quiet + 1 : 0
      last = now
    }
    const seen = new Map([...texts.entries()].map(([k, v]) => [k, v.length]))
    const after = (name: string) => (texts.get(name) ?? '').slice(seen.get(name) ?? 0)
    await ok(h.admin, 'POST', '/api/cases', { regionCode: G, categoryCode: 'traffic.streetlight', title: `${MK}驾驶舱`, description: `${MK}驾驶舱` })
    for (let i = 0; i < 60 && !after('home').includes('event: changed'); i++) await new Promise((r) => setTimeout(r, 50))
    await new Promise((r) => setTimeout(r, 600))
    abort.abort()
    await Promise.allSettled(readers)
    expect(after('home'), 'control: the county admin’s stream is told').toContain('event: changed')
    const told = ACTOR_NAMES.filter((n) => after(n).includes('event: changed'))
    expect(told).toEqual([])
  })
})
