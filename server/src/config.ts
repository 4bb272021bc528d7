import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  redisUrl: string | undefined
  production: boolean
  /** 32-byte key for encrypting personal data and signing; from MINQING_SECRET or generated once into dataDir. */
  secret: string
  sessionTtlHours: number
  bodyLimitBytes: number
  /** Largest uploaded file (documents, photos, import files). */
  uploadLimitBytes: number
  loginMaxFailures: number
  loginLockMinutes: number
  webDist: string
  version: string
  logLevel: string
}

function readVersion(): string {
  try {
    return JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')).version as string
  } catch {
    return '0.0.0'
  }
}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`)
  return n
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
    redisUrl: env.REDIS_URL || undefined,
    production,
    secret: resolveSecret(env, dataDir, production),
    sessionTtlHours: intEnv(env, 'SESSION_TTL_HOURS', 12),
    bodyLimitBytes: intEnv(env, 'BODY_LIMIT_BYTES', 1024 * 1024),
    uploadLimitBytes: intEnv(env, 'UPLOAD_LIMIT_BYTES', 50 * 1024 * 1024),
    loginMaxFailures: intEnv(env, 'LOGIN_MAX_FAILURES', 5),
    loginLockMinutes: intEnv(env, 'LOGIN_LOCK_MINUTES', 15),
    webDist: resolve(env.WEB_DIST || join(ROOT_DIR, 'web/dist')),
    version: readVersion(),
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
  }
}
