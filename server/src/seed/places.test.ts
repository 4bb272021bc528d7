import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TOWN_CENTRES, villagePlace } from './places.ts'

// The demo's map: each 嵊州 village sits around its own town's (approximate) centre, the same point on every run.
const division = JSON.parse(readFileSync(new URL('../../data/regions/330683.json', import.meta.url), 'utf8')) as {
  towns: { code: string; name: string; villages: { code: string; name: string }[] }[]
}

describe('demo places', () => {
  it('a centre for each of the 15 towns, inside the county and apart from one another', () => {
    expect(division.towns.map((t) => [t.code, t.name])).toEqual(Object.entries(TOWN_CENTRES).map(([code, c]) => [code, c.name]))
    const centres = Object.values(TOWN_CENTRES)
    for (const c of centres) {
      expect(c.lat).toBeGreaterThan(29.35)
      expect(c.lat).toBeLessThan(29.8)
      expect(c.lng).toBeGreaterThan(120.5)
      expect(c.lng).toBeLessThan(121.1)
    }
    for (const a of centres) for (const b of centres) if (a !== b) expect(Math.hypot(a.lat - b.lat, a.lng - b.lng), `${a.name} ${b.name}`).toBeGreaterThan(0.03)
  })

  it('every village near its own town, closer to it than to most others; the same point every time', () => {
    for (const t of division.towns) {
      const home = TOWN_CENTRES[t.code]
      for (const v of t.villages) {
        const p = villagePlace(v.code)
        expect(villagePlace(v.code)).toEqual(p)
        expect(Math.abs(p.lat - home.lat), v.name).toBeLessThanOrEqual(0.035)
        expect(Math.abs(p.lng - home.lng), v.name).toBeLessThanOrEqual(0.041)
      }
    }
    // Not one square: the villages of the north (三界) and the south (长乐) lie apart.
    const lats = (code: string) => division.towns.find((t) => t.code === code)!.villages.map((v) => villagePlace(v.code).lat)
    expect(Math.min(...lats('330683104'))).toBeGreaterThan(Math.max(...lats('330683101')) + 0.15)
  })

  it('a village of another county falls back to a point around 嵊州', () => {
    const p = villagePlace('330681101201')
    expect(Math.abs(p.lat - 29.59)).toBeLessThanOrEqual(0.16)
    expect(Math.abs(p.lng - 120.82)).toBeLessThanOrEqual(0.2)
  })
})
