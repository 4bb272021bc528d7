import { maskIdNumber, maskPhone, phoneProblem } from '@minqing/common'
import type { FieldCrypto } from './crypto.ts'
import { badRequest } from './errors.ts'

/**
 * THE masks of personal identifiers for the whole server (issue 11): every place that shows, exports, reports or
 * logs an ID number or phone to someone without archive.reveal goes through these. `maskIdNumber` keeps only the
 * first and last character (`3****************4`), `maskPhone` the first 3 and last 4 (`138****5678`, 10^4
 * candidates; the phone lookup is rate-limited and audited so they cannot be tried one by one).
 */
export { maskIdNumber, maskPhone }

/** A stored mask of any age (the old `330683********1234` too) brought to today's form; null stays null. */
export function remaskIdNumber(masked: string | null): string | null {
  if (masked === null || masked.length < 10) return masked
  return maskIdNumber(masked)
}

// An 18-character ID number (17 digits + digit or X), a mobile number (optionally +86), a landline with area code,
// inside any text. Lookarounds keep longer digit runs (bank cards, case numbers) from being cut in the middle.
const ID_IN_TEXT = /(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g
const MOBILE_IN_TEXT = /(?<![0-9])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![0-9])/g
const LANDLINE_IN_TEXT = /(?<![0-9])0\d{2,3}-?\d{7,8}(?![0-9])/g

/**
 * Free text with every ID number and phone in it masked as above: for reports, rejection reasons and logs that
 * quote what a user typed.
 */
export function redactIdentifiers(text: string): string {
  return text
    .replace(ID_IN_TEXT, (m) => maskIdNumber(m.toUpperCase()))
    .replace(MOBILE_IN_TEXT, (m) => maskPhone(m.replace(/[\s-]/g, '').replace(/^\+?86/, '')))
    .replace(LANDLINE_IN_TEXT, (m) => maskPhone(m))
}

/** The stored forms of one personal identifier (FieldCrypto.protect); all null for none. */
export interface ProtectedValue {
  enc: string | null
  hash: string | null
  masked: string | null
}

/**
 * A phone number from a request body, ready to store: not sent (undefined) stays undefined, null or '' clears
 * it, anything else must be a valid number (else 400 INVALID_PHONE) and is kept without white space.
 * `maskedInError`: whether the 400 names the (masked) number in its details.
 */
export function protectPhone(crypto: FieldCrypto, phone: string | null | undefined, maskedInError = true) {
  if (phone === undefined) return undefined
  if (phone !== null && phone !== '') {
    const problem = phoneProblem(phone)
    if (problem) throw badRequest('INVALID_PHONE', problem, maskedInError ? { phone: maskPhone(phone) } : undefined)
  }
  return crypto.protect(phone?.replace(/\s+/g, '') || null, maskPhone)
}

/** An identifier's three columns, named by their prefix (`phone` → phone_enc, phone_hash, phone_masked); nulls for none. */
export function protectedColumns<P extends string>(prefix: P, value: ProtectedValue | null | undefined) {
  return {
    [`${prefix}_enc`]: value?.enc ?? null,
    [`${prefix}_hash`]: value?.hash ?? null,
    [`${prefix}_masked`]: value?.masked ?? null,
  } as Record<`${P}_enc` | `${P}_hash` | `${P}_masked`, string | null>
}
