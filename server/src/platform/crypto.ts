import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Personal identifiers at rest (ARCHITECTURE.md §5): AES-256-GCM ciphertext for the value, an HMAC-SHA256
 * keyed hash for exact lookups without decrypting the table, and a masked copy for display. Both keys are
 * derived from MINQING_SECRET, each for its own purpose.
 */
export class FieldCrypto {
  private encKey: Buffer
  private hashKey: Buffer

  constructor(secret: string) {
    if (!secret || secret.length < 16) throw new Error('MINQING_SECRET must be at least 16 characters')
    const ikm = Buffer.from(secret, 'utf8')
    this.encKey = Buffer.from(hkdfSync('sha256', ikm, 'minqing', 'pii-encryption-v1', 32))
    this.hashKey = Buffer.from(hkdfSync('sha256', ikm, 'minqing', 'pii-lookup-hash-v1', 32))
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  encrypt(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
  }

  decrypt(stored: string): string {
    const [version, iv, tag, body] = stored.split('.')
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not an encrypted field value')
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
  }

  /** Deterministic keyed hash of a normalised value: equal inputs, equal hashes; useless without the key. */
  hash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value).digest('base64url')
  }

  /** All three stored forms of one identifier, or nulls for an empty one. */
  protect(value: string | null | undefined, mask: (v: string) => string) {
    if (value === null || value === undefined || value === '') return { enc: null, hash: null, masked: null }
    return { enc: this.encrypt(value), hash: this.hash(value), masked: mask(value) }
  }
}
