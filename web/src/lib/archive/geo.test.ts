// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { distanceMeters, formatDistance, locate } from './geo.ts'

describe('geo', () => {
  it('measures distances', () => {
    expect(distanceMeters({ lat: 29.6, lng: 120.8 }, { lat: 29.6, lng: 120.8 })).toBe(0)
    // one degree of latitude ≈ 111.2 km
    expect(Math.round(distanceMeters({ lat: 29, lng: 120 }, { lat: 30, lng: 120 }) / 100)).toBe(1112)
  })
  it('formats distances', () => {
    expect(formatDistance(3)).toBe('1 m')
    expect(formatDistance(84)).toBe('80 m')
    expect(formatDistance(1234)).toBe('1.2 km')
    expect(formatDistance(15_400)).toBe('15 km')
    expect(formatDistance(NaN)).toBe('')
  })
  it('locates, and says why not', async () => {
    const ok = { getCurrentPosition: (s: PositionCallback) => s({ coords: { latitude: 29.6, longitude: 120.8 } } as GeolocationPosition) }
    expect(await locate(ok)).toEqual({ ok: true, position: { lat: 29.6, lng: 120.8 } })
    const denied = { getCurrentPosition: (_s: PositionCallback, e?: PositionErrorCallback | null) => e?.({ code: 1 } as GeolocationPositionError) }
    expect(await locate(denied)).toEqual({ ok: false, reason: 'denied' })
    const timeout = { getCurrentPosition: (_s: PositionCallback, e?: PositionErrorCallback | null) => e?.({ code: 3 } as GeolocationPositionError) }
    expect(await locate(timeout)).toEqual({ ok: false, reason: 'timeout' })
    const throws = {
      getCurrentPosition: () => {
        throw new Error('insecure origin')
      },
    }
    expect(await locate(throws)).toEqual({ ok: false, reason: 'unavailable' })
    expect(await locate(undefined)).toEqual({ ok: false, reason: 'unsupported' })
  })
})
