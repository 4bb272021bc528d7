import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { MemoryBus } from '../../platform/events.ts'
import { mapTilesFromEnv, tileOrigins } from '../../platform/map-tiles.ts'
import { CockpitFeed } from './cockpit-feed.ts'

// The cockpit's live stream: a wall screen of a region hears `changed` within 2 s of a case event in its subtree,
// once per burst, and nothing of other regions; refusals are JSON before any stream opens.
let t: Awaited<ReturnType<typeof createTestApp>>
let base: string
let leader: MadeUser
let townLeader: MadeUser
let otherTownLeader: MadeUser
let cadre: MadeUser
let volunteer: MadeUser
let deptHandler: MadeUser
const V = '330683105212'
const V2 = '330683106201'

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, V)
  await makeRegion(t.db, V2)
  leader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683' })
  townLeader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683105' })
  otherTownLeader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683106' })
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: V })
  deptHandler = await makeUser(t.db, { roles: ['dept_handler'], regionCode: '330683' })
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(() => t.close())

/** Opens a stream and collects its text until `stop()`. */
async function listen(who: MadeUser, query = '') {
  const ac = new AbortController()
  const res = await fetch(`${base}/api/cockpit/stream${query}`, { headers: who.auth, signal: ac.signal })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/event-stream')
  const s = { text: '', stop: () => ac.abort() }
  void (async () => {
    const reader = res.body!.getReader()
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        s.text += new TextDecoder().decode(value)
      }
    } catch {
      // aborted by stop()
    }
  })()
  return s
}
const changes = (text: string) => text.split('\n\n').filter((c) => c.startsWith('event: changed')).length
const until = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
  return cond()
}

describe('cockpit stream (SSE)', () => {
  it('tells the county and the town of new cases within 2 s, and not the other town', async () => {
    const county = await listen(leader)
    const town = await listen(townLeader, '?regionCode=330683105')
    const other = await listen(otherTownLeader)
    await until(() => county.text.includes('event: ready') && town.text.includes('event: ready') && other.text.includes('event: ready'), 2000)
    // A burst: three cases at once. The clock starts when the first exists (its POST answered): the time a request
    // takes on a loaded machine is not the cockpit's delay.
    let started = 0
    const made = await Promise.all(
      [0, 1, 2].map((i) =>
        t.app.inject({ method: 'POST', url: '/api/cases', headers: cadre.auth, payload: { regionCode: V, title: `驾驶舱实时${i}`, description: 'x' } }).then((res) => {
          started ||= Date.now()
          return res.statusCode
        }),
      ),
    )
    expect(made).toEqual([201, 201, 201])
    expect(await until(() => changes(county.text) >= 1 && changes(town.text) >= 1, 2000)).toBe(true)
    expect(Date.now() - started).toBeLessThan(2000)
    await new Promise((r) => setTimeout(r, 1000))
    for (const s of [county, town, other]) s.stop()
    // How a burst is told once (not once per case) is tested on the feed below, where timing cannot blur it: here
    // three requests on a loaded machine may commit more than one debounce window apart.
    expect(changes(other.text)).toBe(0)
  })

  it('hears case actions too (their events carry only the case id)', async () => {
    const made = await makeCase(t.db, { regionCode: V, state: 'new' })
    const town = await listen(townLeader)
    const other = await listen(otherTownLeader)
    await until(() => town.text.includes('event: ready'), 2000)
    // What the action service publishes after its transaction.
    await t.ctx.bus.publish('case.dispatch', { id: made.id, actorId: townLeader.id })
    const told = await until(() => changes(town.text) >= 1, 2000)
    await new Promise((r) => setTimeout(r, 400))
    town.stop()
    other.stop()
    expect(told).toBe(true)
    expect(changes(other.text)).toBe(0)
  })

  it('refuses in JSON: anonymous 401, no stats.read 403, a region outside the caller’s subtree 404 (an ancestor too), bad codes 400', async () => {
    const anon = await fetch(`${base}/api/cockpit/stream`)
    expect(anon.status).toBe(401)
    expect((await anon.json()).error.code).toBeTruthy()
    // Without stats.read (as for the summary the stream announces): volunteers, department handlers.
    for (const who of [volunteer, deptHandler]) {
      const res = await fetch(`${base}/api/cockpit/stream`, { headers: who.auth })
      expect(res.status).toBe(403)
      expect((await res.json()).error.code).toBe('FORBIDDEN')
    }
    for (const code of ['330683106', '330683', V2, '999999999']) {
      const res = await fetch(`${base}/api/cockpit/stream?regionCode=${code}`, { headers: townLeader.auth })
      expect(res.status, code).toBe(404)
      expect((await res.json()).error.code).toBe('NOT_FOUND')
    }
    const bad = await fetch(`${base}/api/cockpit/stream?regionCode=abc`, { headers: leader.auth })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.code).toBeTruthy()
  })
})

describe('cockpit feed (one per process)', () => {
  it('tells by subtree, once per burst; a fold without paths tells everyone; junk payloads are ignored', async () => {
    const bus = new MemoryBus()
    const errors: unknown[] = []
    const feed = new CockpitFeed(t.db, bus, (e) => errors.push(e), 50)
    const told = { county: 0, town: 0, otherTown: 0 }
    const stops = [
      feed.watch(
        '/33/3306/330683/',
        () => told.county++,
        () => undefined,
      ),
      feed.watch(
        '/33/3306/330683/330683105/',
        () => told.town++,
        () => undefined,
      ),
      feed.watch(
        '/33/3306/330683/330683106/',
        () => told.otherTown++,
        () => undefined,
      ),
    ]
    const settle = () => new Promise((r) => setTimeout(r, 120))
    for (let i = 0; i < 5; i++) await bus.publish('case.created', { id: crypto.randomUUID(), regionPath: `/33/3306/330683/330683105/${V}/` })
    await settle()
    expect(told).toEqual({ county: 1, town: 1, otherTown: 0 })
    await bus.publish('stats.folded', { regionPaths: [] })
    await settle()
    expect(told).toEqual({ county: 2, town: 2, otherTown: 1 })
    await bus.publish('stats.folded', { regionPaths: [`/33/3306/330683/330683106/${V2}/`] })
    await settle()
    expect(told).toEqual({ county: 3, town: 2, otherTown: 2 })
    // An id that is no case, or not an id at all: nothing to tell, nothing thrown.
    await bus.publish('case.dispatch', { id: crypto.randomUUID() })
    await bus.publish('case.dispatch', { id: "x'; drop table cases; --" })
    await bus.publish('case.dispatch', null)
    await settle()
    expect(told).toEqual({ county: 3, town: 2, otherTown: 2 })
    expect(errors).toEqual([])
    for (const stop of stops) stop()
    expect(feed.size).toBe(0)
    feed.close()
  })
})

describe('cockpit map config', () => {
  it('has no tile source by default: the page draws points on a plain background', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/cockpit/config', headers: leader.auth })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ tiles: null })
    expect((await t.app.inject({ method: 'GET', url: '/api/cockpit/config' })).statusCode).toBe(401)
  })

  it('reads 天地图-style templates from the environment and opens the CSP to their hosts only', () => {
    const tiles = mapTilesFromEnv({
      MAP_TILE_URL: 'https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k',
      MAP_TILE_LABEL_URL: 'https://t{s}.tianditu.gov.cn/cva_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k',
      MAP_TILE_SUBDOMAINS: '01234567',
    })
    expect(tiles).toMatchObject({ subdomains: '01234567', maxZoom: 18 })
    expect(tileOrigins(tiles)).toEqual(['https://*.tianditu.gov.cn'])
    expect(tileOrigins(mapTilesFromEnv({ MAP_TILE_URL: 'https://tiles.example.cn/{z}/{x}/{y}.png' }))).toEqual(['https://tiles.example.cn'])
    expect(mapTilesFromEnv({})).toBeUndefined()
    expect(() => mapTilesFromEnv({ MAP_TILE_URL: 'javascript:alert(1)//{z}{x}{y}' })).toThrow(/MAP_TILE_URL/)
    expect(() => mapTilesFromEnv({ MAP_TILE_URL: 'https://tiles.example.cn/tile.png' })).toThrow(/\{z\}/)
    expect(() => mapTilesFromEnv({ MAP_TILE_URL: 'https://tiles.example.cn/{z}/{x}/{y}', MAP_TILE_MAX_ZOOM: '99' })).toThrow(/MAP_TILE_MAX_ZOOM/)
  })

  it('serves the configured source and allows its images in the CSP', async () => {
    const t2 = await createTestApp({ MAP_TILE_URL: 'https://tiles.example.cn/{z}/{x}/{y}.png', MAP_TILE_ATTRIBUTION: '示例' })
    try {
      const u = await makeUser(t2.db, { roles: ['leader'], regionCode: '330683' })
      const res = await t2.app.inject({ method: 'GET', url: '/api/cockpit/config', headers: u.auth })
      expect(res.json().tiles).toMatchObject({ url: 'https://tiles.example.cn/{z}/{x}/{y}.png', attribution: '示例', labelUrl: null })
      expect(String(res.headers['content-security-policy'])).toContain("img-src 'self' data: blob: https://tiles.example.cn")
      // A wall screen left open does not keep the server from shutting down: its stream is ended.
      const url = await t2.app.listen({ port: 0, host: '127.0.0.1' })
      const stream = await fetch(`${url}/api/cockpit/stream`, { headers: u.auth })
      const reader = stream.body!.getReader()
      await reader.read()
      const closed = t2.close()
      let done = false
      while (!done) done = (await reader.read()).done
      await closed
    } finally {
      await t2.close().catch(() => undefined)
    }
  })
})
