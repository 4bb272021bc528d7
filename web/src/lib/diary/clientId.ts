/**
 * Client-generated ids. Every diary entry (and every photo of it) gets one on the phone when it is written,
 * before anything is sent: the server stores an entry once per (author, clientId), so a resend after a lost
 * answer, a crash or a reload never makes a second copy.
 *
 * The server accepts 8–64 characters of `[A-Za-z0-9_-]`; we use 32 hex digits (a v4 UUID without dashes).
 * `crypto.randomUUID` exists only in secure contexts (https, localhost): on a plain-http intranet address we
 * build the same from `crypto.getRandomValues`, which is available everywhere.
 */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

type RandomSource = Pick<Crypto, 'getRandomValues'> & Partial<Pick<Crypto, 'randomUUID'>>

export function newClientId(source: RandomSource | undefined = globalThis.crypto): string {
  if (source?.randomUUID) {
    try {
      return source.randomUUID().replace(/-/g, '')
    } catch {
      /* insecure context in some browsers: fall through */
    }
  }
  const bytes = new Uint8Array(16)
  if (source?.getRandomValues) source.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  // RFC 4122 version 4 / variant bits, like randomUUID.
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export const isClientId = (value: unknown): value is string => typeof value === 'string' && CLIENT_ID_PATTERN.test(value)
