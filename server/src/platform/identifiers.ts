import { maskPhone, phoneProblem } from '@minqing/common'
import type { FieldCrypto } from './crypto.ts'
import { badRequest } from './errors.ts'

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
