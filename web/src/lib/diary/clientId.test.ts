// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { CLIENT_ID_PATTERN, isClientId, newClientId } from './clientId.ts'

describe('newClientId', () => {
  it('is 32 hex digits the server accepts, different every time', () => {
    const ids = new Set(Array.from({ length: 500 }, () => newClientId()))
    expect(ids.size).toBe(500)
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      expect(CLIENT_ID_PATTERN.test(id)).toBe(true)
    }
  })

  it('uses randomUUID without its dashes when there is one', () => {
    const id = newClientId({ randomUUID: () => '12345678-1234-4abc-8def-123456789abc', getRandomValues: (a) => a })
    expect(id).toBe('1234567812344abc8def123456789abc')
  })

  it('without randomUUID (plain-http intranet) builds a v4 id from getRandomValues', () => {
    const id = newClientId({
      getRandomValues: <T extends ArrayBufferView | null>(a: T) => {
        ;(a as unknown as Uint8Array).fill(0xff)
        return a
      },
    })
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(id[12]).toBe('4') // version
    expect(['8', '9', 'a', 'b']).toContain(id[16]) // variant
  })

  it('a randomUUID that throws (insecure context) falls back', () => {
    const id = newClientId({
      randomUUID: () => {
        throw new Error('insecure')
      },
      getRandomValues: (a) => a,
    })
    expect(id).toMatch(/^[0-9a-f]{32}$/)
  })

  it('isClientId follows the server’s rule (8–64 of A-Z a-z 0-9 _ -)', () => {
    expect(isClientId('abcd1234')).toBe(true)
    expect(isClientId('a'.repeat(64))).toBe(true)
    expect(isClientId('a'.repeat(65))).toBe(false)
    expect(isClientId('short')).toBe(false)
    expect(isClientId('has space1')).toBe(false)
    expect(isClientId(undefined)).toBe(false)
  })
})
