import { randomBytes } from 'node:crypto'
import type { Executor } from '../db/types.ts'
import { hashToken } from './auth.ts'
import * as repo from './api-keys.repository.ts'

export type { ApiClientRow } from './api-keys.repository.ts'

/**
 * API keys of the systems that call us (Open311 clients, platforms pushing cases). A key is shown once, at
 * issue; we keep its SHA-256 (keys are 192 random bits, so a fast hash is enough) and its first characters to
 * tell keys apart in the console. Used by every module that lets a system in with a key.
 */

const KEY_PREFIX = 'mq_'
const KEY_RE = /^mq_[A-Za-z0-9_-]{32}$/
/** How much of the key the console shows. */
const SHOWN = 10
/** last_used_at is a hint for the console, not an audit trail: written at most this often per key. */
const TOUCH_EVERY_MS = 60_000

function newApiKey(): string {
  return KEY_PREFIX + randomBytes(24).toString('base64url')
}

/** Issues a key: returns the stored client and the key itself (never retrievable again). */
export async function issueApiKey(db: Executor, input: { kind: repo.ApiClientKind; name: string; regionId: number | null; sourceCode?: string | null; createdBy: string | null }) {
  const apiKey = newApiKey()
  const client = await repo.insertApiClient(db, {
    kind: input.kind,
    name: input.name,
    keyHash: hashToken(apiKey),
    keyPrefix: apiKey.slice(0, SHOWN),
    regionId: input.regionId,
    sourceCode: input.sourceCode ?? null,
    createdBy: input.createdBy,
  })
  return { client, apiKey }
}

/**
 * The live client holding `apiKey` for this kind of door, or undefined (unknown, malformed, revoked, or a key of
 * another kind). Marks the key used.
 */
export async function verifyApiKey(db: Executor, kind: repo.ApiClientKind, apiKey: string | undefined | null, now = new Date()) {
  if (!apiKey || !KEY_RE.test(apiKey)) return undefined
  const client = await repo.findLiveClientByHash(db, kind, hashToken(apiKey))
  if (!client) return undefined
  if (!client.last_used_at || now.getTime() - client.last_used_at.getTime() > TOUCH_EVERY_MS) {
    await repo.markUsed(db, client.id, now)
    client.last_used_at = now
  }
  return client
}

export async function findApiClient(db: Executor, kind: repo.ApiClientKind, id: string) {
  const client = await repo.findApiClient(db, id)
  return client && client.kind === kind ? client : undefined
}

/** Clients of a kind in a region's subtree (keys of no region count as the whole installation's: listed for `withoutRegion`). */
export function listApiClients(db: Executor, kind: repo.ApiClientKind, regionPath: string, opts: { withoutRegion?: boolean } = {}) {
  return repo.listApiClients(db, kind, regionPath, opts)
}

/** Revokes a key at once (the next call with it is refused). False when it was revoked already. */
export function revokeApiKey(db: Executor, id: string, now = new Date()) {
  return repo.markRevoked(db, id, now)
}
