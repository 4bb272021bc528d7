import { createHmac, hkdfSync } from 'node:crypto'
import {
  CASE_LEVELS,
  deriveTitle,
  isMainlandMobile,
  PLACE_QR_PATTERN,
  PUBLIC_PHOTO_MAX_BYTES,
  PUBLIC_PHOTOS_MAX,
  type PublicCaseView,
  type PublicQrInfo,
  PublicReportBody,
  type PublicReport,
  type PublicReportCreated,
  RATINGS,
} from '@minqing/common'
import type { Kysely } from 'kysely'
import Value from 'typebox/value'
import type { PublicIntakeConfig } from '../../config.ts'
import type { DB } from '../../db/types.ts'
import { AppError, badRequest, notFound } from '../../platform/errors.ts'
import { type RateLimiter, tooManyRequests } from '../../platform/ratelimit.ts'
import { assertPhoto } from '../../platform/uploads.ts'
import type { Storage } from '../../platform/storage.ts'
import type { CasesService } from '../cases/cases.service.ts'
import { answerPhotoFile } from '../result-photos/result-photos.ts'
import type { FormTokens } from './formtoken.ts'
import * as repo from './intake.repository.ts'

export interface Photo {
  filename: string
  data: Buffer
}

/** Who is asking, as far as an open door can tell. */
export interface Caller {
  ip: string
  /** Where links for the resident point (`<base>/t/<code>`). */
  baseUrl: string
}

type Target = {
  code: string
  kind: 'region' | 'place'
  name: string
  region: { id: number; code: string; name: string; level: PublicQrInfo['region']['level']; path: string }
  place: { id: string; name: string; kind: string; address: string | null } | null
}

/** The engine's key for a resident's resend: see CasesService.intakeExternal (clientId → source `client:<channel>`). */
const RESEND_SOURCE = 'client:qr'

/**
 * The resident's doors, open to anyone: 民情码 page data, reports, tracking and rating. There is no account to
 * check, so "access" here is the form token and the rate limits, checked before anything is stored.
 */
export class PublicReportsService {
  private phoneKey: Buffer

  constructor(
    private db: Kysely<DB>,
    private engine: CasesService,
    private limiter: RateLimiter,
    private tokens: FormTokens,
    private cfg: PublicIntakeConfig,
    secret: string,
    private storage?: Storage,
  ) {
    // Phones are counted under a keyed hash: a shared Redis never holds residents' numbers.
    this.phoneKey = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'minqing', 'public-rate-phone-v1', 32))
  }

  private async limit(key: string, rule: PublicIntakeConfig['readsPerIp'], now: number) {
    const d = await this.limiter.hit(key, rule, now)
    if (!d.allowed) throw tooManyRequests(d)
  }

  /** A region (county down to grid) by its code, or a place by its 民情码; 404 for anything else. */
  private async target(raw: string): Promise<Target> {
    const code = raw.toUpperCase()
    const levels = CASE_LEVELS as readonly string[]
    if (/^[0-9]+$/.test(code)) {
      const r = await repo.findRegionByCode(this.db, code)
      if (!r || !levels.includes(r.level)) throw notFound('民情码')
      return { code, kind: 'region', name: r.name, region: r, place: null }
    }
    const p = PLACE_QR_PATTERN.test(code) ? await repo.findPlaceByQr(this.db, code) : undefined
    if (!p || !levels.includes(p.region_level)) throw notFound('民情码')
    return {
      code,
      kind: 'place',
      name: p.name,
      region: { id: p.region_id, code: p.region_code, name: p.region_name, level: p.region_level, path: p.region_path },
      place: { id: p.id, name: p.name, kind: p.kind, address: p.address },
    }
  }

  async qrInfo(rawCode: string, caller: Caller, now = Date.now()): Promise<PublicQrInfo> {
    await this.limit(`read:${caller.ip}`, this.cfg.readsPerIp, now)
    const t = await this.target(rawCode)
    const [chain, categories] = await Promise.all([repo.regionsOnPath(this.db, t.region.path), repo.activeCategories(this.db)])
    const { token, expiresAt } = this.tokens.issue(t.code, now)
    const top = categories.filter((c) => !c.parent_code)
    return {
      code: t.code,
      kind: t.kind,
      name: t.name,
      region: { code: t.region.code, name: t.region.name, level: t.region.level },
      town: chain.find((r) => r.level === 'town')?.name ?? null,
      village: chain.find((r) => r.level === 'village')?.name ?? null,
      place: t.place && { name: t.place.name, kind: t.place.kind, address: t.place.address },
      categories: top.map((c) => ({
        code: c.code,
        name: c.name,
        keywords: c.keywords,
        children: categories.filter((s) => s.parent_code === c.code).map((s) => ({ code: s.code, name: s.name, keywords: s.keywords })),
      })),
      token,
      tokenExpiresAt: expiresAt.toISOString(),
      minFillSeconds: this.tokens.minFillMs / 1000,
    }
  }

  /** Refuses a caller already over the report limit, without counting (before a large upload is read). */
  async precheck(caller: Caller, now = Date.now()) {
    const d = await this.limiter.peek(`report:ip:${caller.ip}`, this.cfg.reportsPerIp, now)
    if (!d.allowed) throw tooManyRequests(d)
  }

  /**
   * A resident's report. In order, each refusal before anything is stored: the body (400), the form token (400/403),
   * a resend of a report already taken (answered with its tracking code, not counted again), the limits per IP and
   * per phone (429), the QR code (404), the category (400), the token's single use (403). Then the case engine
   * takes it like any other door.
   */
  async report(body: unknown, photos: Photo[], caller: Caller, now = Date.now()): Promise<{ created: boolean; result: PublicReportCreated }> {
    const input = checkBody(body)
    const code = input.code.toUpperCase()
    const phone = input.anonymous ? null : normalizePhone(input.phone)
    if (photos.length > PUBLIC_PHOTOS_MAX) throw badRequest('TOO_MANY_PHOTOS', `最多上传 ${PUBLIC_PHOTOS_MAX} 张照片`, { max: PUBLIC_PHOTOS_MAX })
    for (const p of photos) assertPhoto(p.data, PUBLIC_PHOTO_MAX_BYTES)

    const token = this.tokens.verify(input.token, code, now)
    if (input.clientId) {
      const earlier = await this.engine.findByExternal(RESEND_SOURCE, input.clientId)
      if (earlier) return { created: false, result: this.created(earlier.trackingCode, caller) }
    }
    await this.limit(`report:ip:${caller.ip}`, this.cfg.reportsPerIp, now)
    if (phone) await this.limit(`report:phone:${createHmac('sha256', this.phoneKey).update(phone).digest('base64url')}`, this.cfg.reportsPerPhone, now)

    const target = await this.target(code)
    const title = input.title?.trim() || deriveTitle(input.description)
    const categories = await repo.activeCategories(this.db)
    const categoryCode = input.categoryCode || null
    if (categoryCode && !categories.some((c) => c.code === categoryCode)) throw badRequest('UNKNOWN_CATEGORY', `未知分类: ${categoryCode}`)
    // Without a category the 民情大脑 classifies the case at intake (brain/triage.service.ts), as for every channel.

    if (!(await this.limiter.claimOnce(`form:${token.nonce}`, this.cfg.tokenTtlMs, now))) throw new AppError(403, 'FORM_TOKEN_USED', '该表单已提交过,请刷新页面后再反映新的问题')
    const made = await this.engine.intakeExternal(
      {
        channel: 'qr',
        regionId: target.region.id,
        placeId: target.place?.id ?? null,
        categoryCode,
        title,
        description: input.description,
        reporter: input.anonymous ? { anonymous: true } : { name: input.name?.trim() || null, phone },
        lat: input.lat ?? null,
        lng: input.lng ?? null,
        address: target.place?.address ?? null,
        clientId: input.clientId ?? null,
        operatorId: null,
        photos,
      },
      new Date(now),
    )
    return { created: made.created, result: this.created(made.trackingCode, caller) }
  }

  private created(trackingCode: string, caller: Caller): PublicReportCreated {
    return { trackingCode, trackingUrl: `${caller.baseUrl}/t/${trackingCode}` }
  }

  /**
   * Unknown tracking codes count against the caller's IP; past the limit every lookup is refused, hits included, so
   * guessing learns nothing more.
   */
  private async guarded<T>(rawCode: string, caller: Caller, now: number, rule: PublicIntakeConfig['readsPerIp'], kind: string, run: (code: string) => Promise<T | undefined>): Promise<T> {
    const misses = await this.limiter.peek(`miss:${caller.ip}`, this.cfg.trackingMissesPerIp, now)
    if (!misses.allowed) throw tooManyRequests(misses)
    await this.limit(`${kind}:${caller.ip}`, rule, now)
    const found = await run(rawCode.toUpperCase())
    if (found === undefined) {
      await this.limiter.hit(`miss:${caller.ip}`, this.cfg.trackingMissesPerIp, now)
      throw notFound('事项')
    }
    return found
  }

  async track(rawCode: string, caller: Caller, now = Date.now()): Promise<PublicCaseView> {
    return this.guarded(rawCode, caller, now, this.cfg.readsPerIp, 'read', (code) => this.engine.publicView(code))
  }

  /** A result photo of the answer, by the tracking code: read like the page itself (same limits, misses counted). */
  async photo(rawCode: string, photoId: string, caller: Caller, now = Date.now()) {
    const storage = this.storage
    if (!storage) throw new Error('PublicReportsService was built without storage: photos cannot be read')
    return this.guarded(rawCode, caller, now, this.cfg.readsPerIp, 'read', (code) => answerPhotoFile(this.db, storage, code, photoId))
  }

  async rate(rawCode: string, body: { rating: (typeof RATINGS)[number]; comment?: string }, caller: Caller, now = Date.now()): Promise<PublicCaseView> {
    return this.guarded(rawCode, caller, now, this.cfg.ratingsPerIp, 'rate', async (code) => {
      if (!(await this.engine.publicView(code))) return undefined
      return this.engine.rateByTracking(code, body, new Date(now))
    })
  }
}

/** The body as the schema allows it (JSON bodies are checked by the route too; multipart fields only here). */
function checkBody(body: unknown): PublicReport {
  if (!Value.Check(PublicReportBody, body)) {
    const details = [...Value.Errors(PublicReportBody, body)].map((e) => ({ in: 'body', path: e.instancePath.replace(/^\//, '').replace(/\//g, '.'), message: e.message }))
    throw badRequest('VALIDATION_FAILED', `请求参数不合法: ${details.map((d) => `${d.path || '(body)'} ${d.message}`).join('; ')}`, details)
  }
  if (!body.description.trim()) throw badRequest('VALIDATION_FAILED', '请填写反映的内容', [{ in: 'body', path: 'description', message: 'empty' }])
  return body
}

function normalizePhone(raw: string | null | undefined): string | null {
  const phone = raw?.replace(/[\s-]+/g, '') ?? ''
  if (!phone) return null
  if (!isMainlandMobile(phone)) throw badRequest('INVALID_PHONE', '请填写 11 位手机号码', { phone: 'mainland mobile' })
  return phone
}
