import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { AppError, badRequest } from '../../platform/errors.ts'

/** A form token's parts once its signature checks out. */
export interface VerifiedToken {
  issuedAt: number
  nonce: string
}

/**
 * The cheap proof against scripted spam on the 民情码 form: the page gets a token signed with the server secret
 * over (QR code, time issued, nonce) and must send it back, not sooner than `minFillMs` (a person reads and types)
 * and not later than `ttlMs`. It costs a script a page load and a wait per report, and nothing to store until used.
 */
export class FormTokens {
  private key: Buffer

  constructor(
    secret: string,
    private opts: { minFillMs: number; ttlMs: number },
  ) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'minqing', 'public-form-token-v1', 32))
  }

  get minFillMs() {
    return this.opts.minFillMs
  }

  private sign(code: string, issuedAt: number, nonce: string) {
    return createHmac('sha256', this.key).update(`v1|${code}|${issuedAt}|${nonce}`).digest('base64url')
  }

  issue(code: string, now = Date.now()): { token: string; expiresAt: Date } {
    const nonce = randomBytes(12).toString('base64url')
    return { token: `${now.toString(36)}.${nonce}.${this.sign(code, now, nonce)}`, expiresAt: new Date(now + this.opts.ttlMs) }
  }

  /** The token's parts, or the error that tells the page what to do (fetch a new one, or wait a moment). */
  verify(token: string | null | undefined, code: string, now = Date.now()): VerifiedToken {
    if (!token) throw badRequest('FORM_TOKEN_MISSING', '缺少表单令牌,请刷新页面后重新提交')
    const m = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token)
    const invalid = () => new AppError(403, 'FORM_TOKEN_INVALID', '表单令牌无效,请刷新页面后重新提交')
    if (!m) throw invalid()
    const issuedAt = parseInt(m[1], 36)
    const expected = Buffer.from(this.sign(code, issuedAt, m[2]))
    const given = Buffer.from(m[3])
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid()
    // Clocks of several server processes may differ a little; a token from far in the future was not ours.
    if (issuedAt > now + 60_000) throw invalid()
    const age = now - issuedAt
    if (age > this.opts.ttlMs) throw new AppError(403, 'FORM_TOKEN_EXPIRED', '页面停留过久,请刷新页面后重新提交', { expiredAt: new Date(issuedAt + this.opts.ttlMs).toISOString() })
    if (age < this.opts.minFillMs) throw badRequest('FORM_TOO_FAST', '提交过快,请稍候再试', { retryAfterMs: this.opts.minFillMs - age })
    return { issuedAt, nonce: m[2] }
  }
}
