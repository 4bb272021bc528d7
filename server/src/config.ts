import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mapTilesFromEnv, type MapTiles } from './platform/map-tiles.ts'

export const ROOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  /** Connections to PostgreSQL per process (DATABASE_POOL_SIZE): intake at 50 concurrent clients wants about 20. */
  databasePoolSize: number
  /** Outbound notification channels besides the in-app list (none by default: notices are only logged). */
  notify: NotifyConfig
  redisUrl: string | undefined
  production: boolean
  /** 32-byte key for encrypting personal data and signing; from MINQING_SECRET or generated once into dataDir. */
  secret: string
  sessionTtlHours: number
  /** How long a server process keeps a session it has read (0: read it on every request). */
  sessionCacheMs: number
  bodyLimitBytes: number
  /** Largest uploaded file (documents, photos, import files). */
  uploadLimitBytes: number
  loginMaxFailures: number
  loginLockMinutes: number
  webDist: string
  version: string
  /**
   * LOG_LEVEL (default info): at info the log holds errors, slow requests and a summary line per interval with
   * traffic; `debug` adds a line for every request (platform/request-log.ts).
   */
  logLevel: string
  /** LOG_SLOW_MS: a request taking longer is logged as slow (warn), whatever the level. */
  slowRequestMs: number
  /** LOG_SUMMARY_SECONDS: how often the one-line request summary is written (0: never). */
  logSummaryMs: number
  /**
   * Which proxies' X-Forwarded-For to believe when telling the client's address (rate limits per IP hang on it):
   * Fastify's trustProxy (true, false, a hop count, or addresses/CIDRs/'loopback'). Default: a proxy on this host.
   */
  trustProxy: boolean | string | ((address: string, hop: number) => boolean)
  /** Base of links printed on 民情码 posters and sent to residents (`<publicUrl>/r/<code>`); else derived from the request. */
  publicUrl: string | undefined
  publicIntake: PublicIntakeConfig
  /**
   * The hotline's caller lookup by phone (GET /api/persons/lookup): a masked phone leaves 10^4 candidates, so
   * lookups are counted per user (a window and a day) and per address. LOOKUP_LIMIT_USER, LOOKUP_LIMIT_USER_DAY,
   * LOOKUP_LIMIT_IP as LIMIT/SECONDS.
   */
  lookupLimits: { perUser: RateRule; perUserDay: RateRule; perIp: RateRule }
  /**
   * CALLBACK_SAMPLE_RATE (0–1, default 0.1): the share of answered cases from channels other than the hotline and
   * walk-ins whose reporter is called back (回访); fixed per case (a hash of its id). Hotline and walk-in: always.
   */
  callbackSampleRate: number
  /**
   * 民情大脑 (issue 14). BRAIN_AUTO_CATEGORY_SCORE (0–1, default 0.95): a case taken in without a category gets the
   * classifier's top suggestion when its calibrated score reaches this, else it waits for a dispatcher (held-out
   * corpus: 39 % of texts reach 0.95, 97 % of those right). BRAIN_CLASSIFY_LIMIT_IP (LIMIT/SECONDS, default 30/60): the 民情码 page's
   * suggestions per address. BRAIN_PUSH_COOLDOWN_MINUTES (default 10): a second 一键推送 of a case within it is a 409.
   */
  brain: { autoCategoryScore: number; classifyPerIp: RateRule; pushCooldownMs: number }
  /** MAP_TILE_URL …: the cockpit map's tile source (platform/map-tiles.ts); none: points on a plain background. */
  mapTiles?: MapTiles
}

export type WebhookKind = 'dingtalk' | 'wecom' | 'generic'

export interface NotifyConfig {
  /** NOTIFY_WEBHOOK_URL: a group robot (DingTalk, WeChat Work — told apart by host — or any JSON endpoint). */
  webhook?: { url: string; kind: WebhookKind; secret?: string; kinds: string[] }
  /** SMS_GATEWAY_URL: an HTTP SMS gateway taking {phone, text} with SMS_GATEWAY_TOKEN as bearer token. */
  sms?: { url: string; token?: string; kinds: string[] }
}

/** The kind of robot a webhook URL belongs to, from its host. */
export function webhookKindOf(url: string): WebhookKind {
  const host = new URL(url).hostname
  if (host.endsWith('dingtalk.com')) return 'dingtalk'
  if (host === 'qyapi.weixin.qq.com') return 'wecom'
  return 'generic'
}

function listEnv(env: NodeJS.ProcessEnv, name: string, fallback: string[]): string[] {
  const raw = env[name]
  return raw
    ? raw
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : fallback
}

function urlEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]
  if (!raw) return undefined
  try {
    const u = new URL(raw)
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error()
    return raw
  } catch {
    throw new Error(`${name} must be an http(s) URL, got "${raw}"`)
  }
}

function notifyEnv(env: NodeJS.ProcessEnv): NotifyConfig {
  const webhookUrl = urlEnv(env, 'NOTIFY_WEBHOOK_URL')
  const smsUrl = urlEnv(env, 'SMS_GATEWAY_URL')
  const kind = env.NOTIFY_WEBHOOK_KIND
  if (kind && !['dingtalk', 'wecom', 'generic'].includes(kind)) throw new Error(`NOTIFY_WEBHOOK_KIND must be dingtalk, wecom or generic, got "${kind}"`)
  return {
    webhook: webhookUrl
      ? {
          url: webhookUrl,
          kind: (kind as WebhookKind | undefined) ?? webhookKindOf(webhookUrl),
          secret: env.NOTIFY_WEBHOOK_SECRET || undefined,
          // A group robot hears what a team must not miss, not every dispatch.
          kinds: listEnv(env, 'NOTIFY_WEBHOOK_KINDS', ['case.overdue', 'case.accept_overdue', 'case.supervise']),
        }
      : undefined,
    sms: smsUrl ? { url: smsUrl, token: env.SMS_GATEWAY_TOKEN || undefined, kinds: listEnv(env, 'SMS_KINDS', ['case.dispatch', 'case.overdue', 'case.supervise']) } : undefined,
  }
}

export interface RateRule {
  limit: number
  windowMs: number
}

/** The resident's doors (民情码 reports, tracking, rating): what keeps them safe to leave open. */
export interface PublicIntakeConfig {
  /** A form token is accepted this long after it was issued at the earliest (a person takes longer to type). */
  minFillMs: number
  /** …and at the latest. */
  tokenTtlMs: number
  reportsPerIp: RateRule
  reportsPerPhone: RateRule
  ratingsPerIp: RateRule
  /** Page loads (QR info, tracking) per IP. */
  readsPerIp: RateRule
  /** Unknown tracking codes per IP: guessing codes runs into this long before it finds one. */
  trackingMissesPerIp: RateRule
}

function readVersion(): string {
  try {
    return JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')).version as string
  } catch {
    return '0.0.0'
  }
}

/**
 * At least 4: a scheduled job's lock and its work, and an import job's lock and its work, may each hold one
 * connection at once; fewer could leave nothing for them to go on with.
 */
function poolSize(n: number): number {
  if (n < 4) throw new Error(`DATABASE_POOL_SIZE must be at least 4, got ${n}`)
  return n
}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`)
  return n
}

/** `LIMIT/SECONDS`, e.g. `5/600` = five per ten minutes. */
function rateEnv(env: NodeJS.ProcessEnv, name: string, fallback: string): RateRule {
  const raw = env[name] || fallback
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim())
  if (!m || Number(m[2]) === 0) throw new Error(`${name} must look like LIMIT/SECONDS (e.g. 5/600), got "${raw}"`)
  return { limit: Number(m[1]), windowMs: Number(m[2]) * 1000 }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

function logLevelEnv(raw: string): string {
  if (!LOG_LEVELS.includes(raw)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`)
  return raw
}

function shareEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${name} must be a number from 0 to 1, got "${raw}"`)
  return n
}

function trustProxyEnv(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw === '') return 'loopback'
  if (raw === 'true' || raw === 'false') return raw === 'true'
  // A hop count: believe that many proxies in front, nearest first.
  if (/^\d+$/.test(raw)) return (_address: string, hop: number) => hop < Number(raw)
  return raw
}

function publicUrlEnv(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`PUBLIC_URL must be an absolute http(s) URL, got "${raw}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`PUBLIC_URL must be an http(s) URL, got "${raw}"`)
  return url.toString().replace(/\/+$/, '')
}

/**
 * The demo needs no setup, so without MINQING_SECRET a random key is generated once and kept in the data
 * folder. Production must set MINQING_SECRET: a key that lives next to the data protects nothing.
 */
function resolveSecret(env: NodeJS.ProcessEnv, dataDir: string, production: boolean): string {
  if (env.MINQING_SECRET) return env.MINQING_SECRET
  if (production) throw new Error('MINQING_SECRET must be set when NODE_ENV=production')
  const file = join(dataDir, 'secret.key')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dirname(file), { recursive: true })
  const key = randomBytes(32).toString('base64')
  writeFileSync(file, key + '\n', { mode: 0o600 })
  return key
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || join(ROOT_DIR, 'data'))
  const production = env.NODE_ENV === 'production'
  return {
    port: intEnv(env, 'PORT', 8080),
    host: env.HOST || '0.0.0.0',
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: poolSize(intEnv(env, 'DATABASE_POOL_SIZE', 20)),
    notify: notifyEnv(env),
    redisUrl: env.REDIS_URL || undefined,
    production,
    secret: resolveSecret(env, dataDir, production),
    sessionTtlHours: intEnv(env, 'SESSION_TTL_HOURS', 12),
    sessionCacheMs: intEnv(env, 'SESSION_CACHE_MS', 5000),
    bodyLimitBytes: intEnv(env, 'BODY_LIMIT_BYTES', 1024 * 1024),
    uploadLimitBytes: intEnv(env, 'UPLOAD_LIMIT_BYTES', 50 * 1024 * 1024),
    loginMaxFailures: intEnv(env, 'LOGIN_MAX_FAILURES', 5),
    loginLockMinutes: intEnv(env, 'LOGIN_LOCK_MINUTES', 15),
    webDist: resolve(env.WEB_DIST || join(ROOT_DIR, 'web/dist')),
    version: readVersion(),
    logLevel: logLevelEnv(env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'silent' : 'info')),
    slowRequestMs: intEnv(env, 'LOG_SLOW_MS', 1000),
    logSummaryMs: intEnv(env, 'LOG_SUMMARY_SECONDS', 60) * 1000,
    trustProxy: trustProxyEnv(env.TRUST_PROXY),
    publicUrl: publicUrlEnv(env.PUBLIC_URL),
    publicIntake: {
      minFillMs: intEnv(env, 'PUBLIC_FORM_MIN_MS', 3000),
      tokenTtlMs: intEnv(env, 'PUBLIC_FORM_TTL_MINUTES', 120) * 60_000,
      reportsPerIp: rateEnv(env, 'PUBLIC_LIMIT_REPORTS_IP', '5/600'),
      reportsPerPhone: rateEnv(env, 'PUBLIC_LIMIT_REPORTS_PHONE', '3/3600'),
      ratingsPerIp: rateEnv(env, 'PUBLIC_LIMIT_RATINGS_IP', '10/600'),
      readsPerIp: rateEnv(env, 'PUBLIC_LIMIT_READS_IP', '120/600'),
      trackingMissesPerIp: rateEnv(env, 'PUBLIC_LIMIT_TRACKING_MISSES_IP', '20/600'),
    },
    lookupLimits: {
      perUser: rateEnv(env, 'LOOKUP_LIMIT_USER', '20/300'),
      perUserDay: rateEnv(env, 'LOOKUP_LIMIT_USER_DAY', '300/86400'),
      perIp: rateEnv(env, 'LOOKUP_LIMIT_IP', '120/300'),
    },
    callbackSampleRate: shareEnv(env, 'CALLBACK_SAMPLE_RATE', 0.1),
    brain: {
      autoCategoryScore: shareEnv(env, 'BRAIN_AUTO_CATEGORY_SCORE', 0.95),
      classifyPerIp: rateEnv(env, 'BRAIN_CLASSIFY_LIMIT_IP', '30/60'),
      pushCooldownMs: intEnv(env, 'BRAIN_PUSH_COOLDOWN_MINUTES', 10) * 60_000,
    },
    mapTiles: mapTilesFromEnv(env),
  }
}
