import { CASE_LEVELS, CASE_STATES, FINISHED_STATES, type Open311PostRequest, type Open311PostUpdate, type Open311Request } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { type ApiClientRow, verifyApiKey } from '../../platform/api-keys.ts'
import { AppError } from '../../platform/errors.ts'
import type { EventBus } from '../../platform/events.ts'
import { type RateLimiter, type RateRule, tooManyRequests } from '../../platform/ratelimit.ts'
import type { Storage } from '../../platform/storage.ts'
import type { CasesService } from '../cases/cases.service.ts'
import { CLIENT_UPDATE_STATUSES, openOrClosed, parseW3c, STATE_WORDS, UPDATE_ACTIONS, updateOf, w3c } from './format.ts'
import * as repo from './open311.repository.ts'

/** The spec's numbers: a list answers at most this many, over at most this many days. */
export const MAX_RESULTS = 1000
export const WINDOW_DAYS = 90
const DAY_MS = 86_400_000
/** When this interface last changed in a way a client would care about (discovery's changeset). */
const CHANGESET = '2026-11-25T00:00:00+08:00'
const CLOSED_STATES = ['closed', 'rejected', 'merged']
const OPEN_STATES = CASE_STATES.filter((s) => !CLOSED_STATES.includes(s))

/** An error in the spec's own form (`[{ code, description }]`); the routes print it as JSON or XML. */
export const o311Error = (status: 400 | 403 | 404, description: string) => new AppError(status, status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', description)

export interface Photo {
  filename: string
  data: Buffer
}

/**
 * Open311 GeoReport v2 and mySociety's servicerequestupdates over our cases. Reads are public, as the spec
 * has them, and show only cases that came in through Open311 (see PUBLISHED_CHANNELS); writes need an API key
 * issued in the console, and land in that key's region.
 */
export class Open311Service {
  constructor(
    private db: Kysely<DB>,
    private engine: CasesService,
    private storage: Storage,
    private bus: EventBus,
    /**
     * The public pages' tracking-code miss limit (PUBLIC_LIMIT_TRACKING_MISSES_IP, same counter): a token or request id
     * that finds nothing counts against the caller's address, and past the limit every lookup is refused, hits too,
     * so this door guesses no faster than /t/<code>.
     */
    private misses?: { limiter: RateLimiter; rule: RateRule },
  ) {}

  private async guardedLookup<T>(ip: string, run: () => Promise<T | undefined>, miss: () => AppError, now = Date.now()): Promise<T> {
    const m = this.misses
    if (m) {
      const d = await m.limiter.peek(`miss:${ip}`, m.rule, now)
      if (!d.allowed) throw tooManyRequests(d)
    }
    const found = await run()
    if (found === undefined) {
      if (m) await m.limiter.hit(`miss:${ip}`, m.rule, now)
      throw miss()
    }
    return found
  }

  // ---- discovery and services ------------------------------------------------------------------------
  discovery(baseUrl: string) {
    return {
      changeset: CHANGESET,
      contact: '民情平台 Open311 接口: API 密钥由平台管理员在控制台「Open311 接入」签发',
      key_service: '请联系平台管理员(控制台 → Open311 接入)申请 API 密钥',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: baseUrl,
          changeset: CHANGESET,
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ],
    }
  }

  async services(jurisdictionId?: string) {
    await this.jurisdiction(jurisdictionId)
    const rows = await repo.activeCategories(this.db)
    return rows
      .filter((c) => c.parent_active !== false)
      .map((c) => ({
        service_code: c.code,
        service_name: c.name,
        description: c.parent_name ? `${c.parent_name} · ${c.name}` : c.name,
        // Every service takes our one optional attribute, the village or grid of the report (see definition).
        metadata: true,
        type: 'realtime' as const,
        keywords: c.keywords.length ? c.keywords.join(',') : null,
        group: c.parent_name ?? c.name,
      }))
  }

  async serviceDefinition(code: string, jurisdictionId?: string) {
    await this.jurisdiction(jurisdictionId)
    const category = await repo.activeCategoryByCode(this.db, code)
    if (!category) throw o311Error(404, `service_code not found: ${code}`)
    return {
      service_code: category.code,
      attributes: [
        {
          variable: true,
          code: 'region_code',
          datatype: 'string' as const,
          required: false,
          datatype_description: '12 位村社或 15 位网格行政区划代码',
          order: 1,
          description: '事发村社或网格(可不填:按 API 密钥的受理区域,或按 address_id 所指场所)',
        },
      ],
    }
  }

  // ---- POST requests -------------------------------------------------------------------------------------
  /** `origin` is our site (links to the resident's tracking page, /t/<code>). */
  async createRequest(form: Open311PostRequest & Record<string, unknown>, photos: Photo[], origin: string, now = new Date()) {
    const client = await this.client(form.api_key, now)
    const code = text(form.service_code)
    if (!code) throw o311Error(400, 'service_code is required')
    const category = await repo.activeCategoryByCode(this.db, code)
    if (!category) throw o311Error(400, `service_code not found: ${code}`)

    const lat = number(form.lat, 'lat', -90, 90)
    const lng = number(form.long, 'long', -180, 180)
    if ((lat === undefined) !== (lng === undefined)) throw o311Error(400, 'lat and long must be given together')
    const addressString = text(form.address_string)
    const addressId = text(form.address_id)
    if (lat === undefined && !addressString && !addressId) throw o311Error(400, 'a location is required: lat and long, address_string or address_id')

    const email = text(form.email)
    if (email && (email.length > 200 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) throw o311Error(400, 'email is not a valid address')
    const mediaUrl = text(form.media_url)
    if (mediaUrl && !isHttpUrl(mediaUrl)) throw o311Error(400, 'media_url must be an http(s) URL')

    const { regionId, place } = await this.resolveLocation(client, { addressId, regionCode: text(form['attribute[region_code]']), jurisdictionId: text(form.jurisdiction_id) })
    const description = text(form.description)
    const name = personName(text(form.first_name), text(form.last_name))
    const phone = text(form.phone)

    const result = await this.engine.intakeExternal(
      {
        channel: 'open311',
        regionId,
        categoryCode: category.code,
        title: titleOf(description, category.name),
        description: description ?? category.name,
        reporter: { name, phone, email, anonymous: !name && !phone && !email },
        lat: lat ?? place?.lat ?? null,
        lng: lng ?? place?.lng ?? null,
        address: addressString ?? (place ? (place.address ?? place.name) : null),
        placeId: place?.id ?? null,
        apiClientId: client.id,
        operatorId: null,
        photos,
      },
      now,
    )
    // We never fetch a client's media URL (it could point anywhere, our own network included); the link is kept
    // on the case's timeline for staff to open, and answered back as media_url until we hold a photo ourselves.
    if (mediaUrl) await this.engine.remark(this.db, result.id, { action: 'media_link', note: mediaUrl, at: now, data: { apiClientId: client.id, via: client.name } })
    return [
      {
        service_request_id: result.number,
        // The tracking code is the resident's receipt (our tracking page, rating); tokens/{token} maps it back.
        token: result.trackingCode,
        service_notice: `已受理,事项编号 ${result.number},一般在 ${category.normal_days} 个工作日内答复;查询进度与评价: ${origin}/t/${result.trackingCode}`,
      },
    ]
  }

  /**
   * Where a report lands: a place or region named by address_id, else the region_code attribute, else a
   * jurisdiction_id below the key's region, else the key's region. Always inside the key's region.
   */
  private async resolveLocation(client: ApiClientRow, ref: { addressId?: string; regionCode?: string; jurisdictionId?: string }) {
    const base = client.region_id ? await repo.regionById(this.db, client.region_id) : undefined
    if (!base) throw o311Error(403, 'this api_key has no area to report in')
    let target: { id: number; path: string; level: string } = base
    let place: Awaited<ReturnType<typeof repo.placeByRef>>
    if (ref.addressId) {
      if (/^[0-9]{6,15}$/.test(ref.addressId)) {
        const region = await repo.regionByCode(this.db, ref.addressId)
        if (!region) throw o311Error(400, `address_id not found: ${ref.addressId}`)
        target = region
      } else {
        place = await repo.placeByRef(this.db, ref.addressId)
        if (!place) throw o311Error(400, `address_id not found: ${ref.addressId}`)
        target = { id: place.region_id, path: place.region_path, level: place.region_level }
      }
    } else if (ref.regionCode) {
      const region = /^[0-9]{6,15}$/.test(ref.regionCode) ? await repo.regionByCode(this.db, ref.regionCode) : undefined
      if (!region) throw o311Error(400, `attribute[region_code] not found: ${ref.regionCode}`)
      target = region
    } else if (ref.jurisdictionId) {
      const j = await this.jurisdiction(ref.jurisdictionId)
      // Our county's (or city's) code names the whole area: the key's own region stands.
      if (j && !base.path.startsWith(j.path)) target = j
    }
    if (!target.path.startsWith(base.path)) throw o311Error(403, 'this api_key may not report outside its area')
    if (!(CASE_LEVELS as readonly string[]).includes(target.level)) throw o311Error(400, 'the location must be a county, town, village or grid')
    return { regionId: target.id, place }
  }

  // ---- GET requests ------------------------------------------------------------------------------------
  async listRequests(
    q: { jurisdiction_id?: string; service_request_id?: string | string[]; service_code?: string | string[]; start_date?: string; end_date?: string; status?: string | string[] },
    baseUrl: string,
    now = new Date(),
  ) {
    const j = await this.jurisdiction(q.jurisdiction_id)
    const ids = list(q.service_request_id)
    if (ids) {
      // The spec: a list of ids overrides every other argument.
      if (ids.length > MAX_RESULTS) throw o311Error(400, `at most ${MAX_RESULTS} service_request_id at once`)
      return this.toRequests(await repo.publishedByNumbers(this.db, ids), baseUrl)
    }
    const { from, to } = window(q.start_date, q.end_date, now)
    const codes = list(q.service_code)
    if (codes) {
      // Any category we ever had: old requests keep the code of a category since retired.
      const known = await repo.categoryCodes(this.db, codes)
      const unknown = codes.find((c) => !known.has(c))
      if (unknown) throw o311Error(400, `service_code not found: ${unknown}`)
    }
    const statuses = list(q.status)?.map((s) => s.toLowerCase())
    if (statuses?.some((s) => s !== 'open' && s !== 'closed')) throw o311Error(400, 'status must be open or closed')
    const states = statuses && !(statuses.includes('open') && statuses.includes('closed')) ? (statuses.includes('open') ? OPEN_STATES : CLOSED_STATES) : undefined
    const rows = await repo.publishedCases(this.db, { from, to, categoryCodes: codes, states, regionPath: j?.path, limit: MAX_RESULTS })
    return this.toRequests(rows, baseUrl)
  }

  async getRequest(id: string, baseUrl: string, ip = '') {
    const rows = await this.guardedLookup(
      ip,
      async () => {
        const found = await repo.publishedByNumbers(this.db, [id])
        return found.length ? found : undefined
      },
      () => o311Error(404, `service_request_id not found: ${id}`),
    )
    return this.toRequests(rows, baseUrl)
  }

  async token(token: string, ip = '') {
    const row = await this.guardedLookup(
      ip,
      async () => (/^[A-Za-z0-9]{6,16}$/.test(token) ? await repo.publishedByTracking(this.db, token) : undefined),
      () => o311Error(404, `token not found: ${token}`),
    )
    return [{ service_request_id: row.number, token: row.tracking_code! }]
  }

  private async toRequests(rows: repo.PublishedCase[], baseUrl: string): Promise<Open311Request[]> {
    const ids = rows.map((r) => r.id)
    const [answers, photos, links, merged] = await Promise.all([
      repo.lastAnswers(this.db, ids),
      repo.firstPhotos(this.db, ids),
      repo.lastMediaLinks(this.db, ids),
      repo.numbersOf(
        this.db,
        rows.flatMap((r) => (r.merged_into ? [r.merged_into] : [])),
      ),
    ])
    return rows.map((c) => {
      const answered = (FINISHED_STATES as readonly string[]).includes(c.state) ? answers.get(c.id) : undefined
      const mergedInto = c.merged_into ? merged.get(c.merged_into) : undefined
      const photo = photos.get(c.id)
      const status = openOrClosed(c.state)
      return {
        service_request_id: c.number,
        status,
        status_notes: answered ?? (c.state === 'merged' && mergedInto ? `已并入事项 ${mergedInto} 办理` : (STATE_WORDS[c.state] ?? null)),
        service_name: c.category_name ?? null,
        service_code: c.category_code ?? '',
        // The spec's schema holds descriptions to 4,000 characters; ours may be longer.
        description: c.description.slice(0, 4000),
        agency_responsible: c.unit_name ?? null,
        service_notice: null,
        requested_datetime: w3c(c.created_at),
        updated_datetime: w3c(status === 'closed' ? (c.closed_at ?? c.updated_at) : c.updated_at),
        expected_datetime: w3c(c.due_at),
        address: c.address ?? null,
        address_id: c.place_qr_code ?? c.place_id ?? null,
        zipcode: null,
        lat: c.lat ?? null,
        long: c.lng ?? null,
        media_url: photo ? `${baseUrl}/media/${encodeURIComponent(c.number)}/${photo}` : (links.get(c.id) ?? null),
      }
    })
  }

  /** A published case's photo (the target of media_url). */
  async media(number: string, fileId: string) {
    const f = /^[0-9a-f-]{36}$/i.test(fileId) ? await repo.publishedPhoto(this.db, number, fileId) : undefined
    if (!f) throw o311Error(404, 'media not found')
    return { contentType: f.content_type, size: f.size, stream: await this.storage.get(f.storage_key) }
  }

  // ---- servicerequestupdates (mySociety) -----------------------------------------------------------------
  /**
   * What happened to published cases in the window, oldest first (a client syncs forward by moving start_date
   * past the last update it got). A key is optional, as in mySociety's extension; a wrong one is refused.
   */
  async listUpdates(q: { api_key?: string; jurisdiction_id?: string; start_date?: string; end_date?: string }, baseUrl: string, now = new Date()) {
    // FixMyStreet always sends `api_key=`, empty when none is configured: empty means absent, as on the other reads.
    if (q.api_key) await this.client(q.api_key, now)
    await this.jurisdiction(q.jurisdiction_id)
    const { from, to } = window(q.start_date, q.end_date, now)
    const events = await repo.publishedEvents(this.db, { from, to, actions: UPDATE_ACTIONS, limit: MAX_RESULTS })
    const photos = await repo.eventPhotos(
      this.db,
      events.map((e) => String(e.id)),
    )
    return events.flatMap((e) => {
      const data = (typeof e.data === 'string' ? JSON.parse(e.data) : (e.data ?? {})) as Record<string, unknown>
      const u = updateOf({ action: e.action, toState: e.to_state, note: e.note, data })
      if (!u) return []
      const photo = photos.get(String(e.id))
      return [
        {
          update_id: String(e.id),
          service_request_id: e.number,
          status: u.status,
          description: u.description,
          updated_datetime: w3c(e.at),
          media_url: photo ? `${baseUrl}/media/${encodeURIComponent(e.number)}/${photo}` : '',
        },
      ]
    })
  }

  /**
   * A client's update on a case (a resident adding detail or saying it is fixed on the client's side): kept on
   * the case's timeline for the handlers, never a change of state — closing stays with our handlers and the
   * resident's rating. Idempotent by the client's update_id. Answers our id of the update.
   */
  async postUpdate(form: Open311PostUpdate & Record<string, unknown>, now = new Date()) {
    const client = await this.client(form.api_key, now)
    const number = text(form.service_request_id)
    const updateId = text(form.update_id)
    const status = text(form.status)?.toLowerCase()
    const description = text(form.description)
    const updatedRaw = text(form.updated_datetime)
    for (const [k, v] of [
      ['service_request_id', number],
      ['update_id', updateId],
      ['status', status],
      ['updated_datetime', updatedRaw],
      ['description', description],
    ] as const)
      if (!v) throw o311Error(400, `${k} is required`)
    if (!(CLIENT_UPDATE_STATUSES as readonly string[]).includes(status!)) throw o311Error(400, `status must be one of ${CLIENT_UPDATE_STATUSES.map((s) => s.toUpperCase()).join(', ')}`)
    const updatedAt = parseW3c(updatedRaw!)
    if (!updatedAt) throw o311Error(400, 'updated_datetime is not a W3C datetime')
    const mediaUrl = text(form.media_url)
    if (mediaUrl && !isHttpUrl(mediaUrl)) throw o311Error(400, 'media_url must be an http(s) URL')
    const target = await repo.publishedCaseForUpdate(this.db, number!)
    const base = client.region_path
    if (!target || !base || !target.region_path.startsWith(base)) throw o311Error(404, `service_request_id not found: ${number}`)
    const author = personName(text(form.first_name), text(form.last_name))

    const { eventId, deliver } = await this.db.transaction().execute(async (trx) => {
      await repo.lockCase(trx, target.id)
      const again = await repo.clientComment(trx, target.id, client.id, updateId!)
      if (again) return { eventId: String(again.id), deliver: null }
      return this.engine.remark(trx, target.id, {
        action: 'comment',
        note: description!,
        at: now,
        data: { via: client.name, apiClientId: client.id, updateId, status, clientUpdatedAt: updatedAt.toISOString(), author, mediaUrl: mediaUrl ?? null },
      })
    })
    if (deliver) {
      await deliver()
      await this.bus.publish('case.comment', { id: target.id, via: 'open311', apiClientId: client.id })
    }
    return [{ update_id: eventId }]
  }

  // ---- shared ------------------------------------------------------------------------------------------
  private async client(apiKey: string | undefined, now: Date) {
    const client = await verifyApiKey(this.db, 'open311', apiKey, now)
    if (!client) throw o311Error(403, apiKey ? 'api_key is not valid or has been revoked' : 'api_key is required')
    return client
  }

  /** jurisdiction_id is one of our region codes (our county's, usually); unknown ones are the spec's 404. */
  private async jurisdiction(id: string | undefined) {
    if (!id) return undefined
    const region = /^[0-9]{6,15}$/.test(id) ? await repo.regionByCode(this.db, id) : undefined
    if (!region) throw o311Error(404, `jurisdiction_id not found: ${id}`)
    return region
  }
}

// ---- input helpers ---------------------------------------------------------------------------------------
function text(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v)
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  return t === '' ? undefined : t
}

function number(v: unknown, name: string, min: number, max: number): number | undefined {
  const t = text(v)
  if (t === undefined) return undefined
  const n = Number(t)
  if (!/^-?\d+(\.\d+)?$/.test(t) || !Number.isFinite(n) || n < min || n > max) throw o311Error(400, `${name} must be a number between ${min} and ${max}`)
  return n
}

function list(v: string | string[] | undefined): string[] | undefined {
  const joined = Array.isArray(v) ? v.join(',') : (v ?? '')
  const items = [
    ...new Set(
      joined
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
  return items.length ? items : undefined
}

function isHttpUrl(v: string) {
  try {
    const u = new URL(v)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}

/** `first_name` + `last_name` as one name: Chinese names family name first, with no space. */
function personName(first?: string, last?: string): string | null {
  if (!first && !last) return null
  const cjk = /[\u3400-\u9fff]/
  const name = first && last ? (cjk.test(first + last) ? `${last}${first}` : `${first} ${last}`) : (first ?? last)!
  return name.slice(0, 40)
}

/** A case title from the report: its first line, shortened; the service's name when there is no text. */
function titleOf(description: string | undefined, serviceName: string) {
  const line = description
    ?.split(/\r?\n/)
    .find((l) => l.trim())
    ?.trim()
    .replace(/\s+/g, ' ')
  if (!line) return serviceName
  return line.length > 40 ? line.slice(0, 39) + '…' : line
}

/** The request window: default the last 90 days; at most 90 days; start before end. */
function window(start: string | undefined, end: string | undefined, now: Date) {
  const parse = (v: string | undefined, name: string) => {
    if (!v) return undefined
    const d = parseW3c(v)
    if (!d) throw o311Error(400, `${name} is not a W3C datetime (e.g. 2026-11-01T00:00:00+08:00)`)
    return d
  }
  const s = parse(start, 'start_date')
  const e = parse(end, 'end_date')
  const to = e ?? (s ? new Date(s.getTime() + WINDOW_DAYS * DAY_MS) : now)
  const from = s ?? new Date(to.getTime() - WINDOW_DAYS * DAY_MS)
  if (from > to) throw o311Error(400, 'start_date must be before end_date')
  if (to.getTime() - from.getTime() > WINDOW_DAYS * DAY_MS) throw o311Error(400, `start_date and end_date may not span more than ${WINDOW_DAYS} days`)
  return { from, to }
}
