import { PLACE_QR_PATTERN } from '@minqing/common'
import jsQR from 'jsqr'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'

// 民情码 posters in the console: the link of a region's or place's code, and a PNG that a phone's camera reads back
// to that link; only for signed-in users whose area holds it.
const YAHUANG = '330683105212'
const WANGYUAN = '330683106220'
const BASE = 'https://mq.example.cn'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser // stationed cadre of 雅璜村
let townUser: MadeUser // 石璜镇
let admin: MadeUser // county
let volunteer: MadeUser // 雅璜村, no archive access
let placeId: string
let foreignPlaceId: string

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: BASE })
  await makeRegion(t.db, YAHUANG + '001', { '330683': '嵊州市', '330683105': '石璜镇', [YAHUANG]: '雅璜村', [YAHUANG + '001']: '第一网格' })
  await makeRegion(t.db, WANGYUAN)
  cadre = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: YAHUANG })
  townUser = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
  volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: YAHUANG })
  const region = (code: string) => t.db.selectFrom('regions').select('id').where('code', '=', code).executeTakeFirstOrThrow()
  placeId = (
    await t.db
      .insertInto('places')
      .values({ region_id: (await region(YAHUANG)).id, name: '雅璜村民情角', kind: '民情角' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  foreignPlaceId = (
    await t.db
      .insertInto('places')
      .values({ region_id: (await region(WANGYUAN)).id, name: '王院村文化礼堂', kind: '文化礼堂' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
})
afterAll(() => t.close())

const get = (who: MadeUser | null, url: string) => t.app.inject({ method: 'GET', url, headers: who?.auth })

/** What a phone's camera reads from the PNG. */
function readQr(png: Buffer): string | undefined {
  const img = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)?.data
}

describe('region posters', () => {
  it('gives the link and a PNG that scans back to it, at the size asked for', async () => {
    const info = await get(cadre, `/api/qr/regions/${YAHUANG}`)
    expect(info.statusCode, info.body).toBe(200)
    expect(info.json()).toEqual({
      kind: 'region',
      code: YAHUANG,
      name: '雅璜村',
      regionCode: YAHUANG,
      regionName: '雅璜村',
      areaNames: ['嵊州市', '石璜镇', '雅璜村'],
      placeId: null,
      url: `${BASE}/r/${YAHUANG}`,
      pngUrl: `/api/qr/regions/${YAHUANG}.png`,
      publicUrl: { value: BASE, source: 'config', reachable: true, reason: null },
    })
    const png = await get(cadre, `/api/qr/regions/${YAHUANG}.png?size=300`)
    expect(png.statusCode).toBe(200)
    expect(png.headers['content-type']).toBe('image/png')
    expect(png.headers['content-disposition']).toBeUndefined()
    expect(readQr(png.rawPayload)).toBe(`${BASE}/r/${YAHUANG}`)
    expect(PNG.sync.read(png.rawPayload).width).toBe(300)
  })

  it('for grids, towns and the county too, as a download when asked', async () => {
    expect(readQr((await get(cadre, `/api/qr/regions/${YAHUANG}001.png`)).rawPayload)).toBe(`${BASE}/r/${YAHUANG}001`)
    expect(readQr((await get(townUser, `/api/qr/regions/330683105.png`)).rawPayload)).toBe(`${BASE}/r/330683105`)
    const county = await get(admin, `/api/qr/regions/330683.png?download=true`)
    expect(readQr(county.rawPayload)).toBe(`${BASE}/r/330683`)
    expect(county.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('民情码-嵊州市.png')}`)
  })

  it('404 outside the caller’s area, for the city and for unknown codes; 401 without a session; 400 for a bad size', async () => {
    expect((await get(cadre, `/api/qr/regions/${WANGYUAN}.png`)).statusCode).toBe(404)
    expect((await get(cadre, `/api/qr/regions/${WANGYUAN}`)).statusCode).toBe(404)
    expect((await get(cadre, `/api/qr/regions/330683105`)).statusCode).toBe(404)
    expect((await get(admin, `/api/qr/regions/330600.png`)).statusCode).toBe(404)
    expect((await get(admin, `/api/qr/regions/330683999999.png`)).statusCode).toBe(404)
    expect((await get(null, `/api/qr/regions/${YAHUANG}.png`)).statusCode).toBe(401)
    expect((await get(cadre, `/api/qr/regions/${YAHUANG}.png?size=99999`)).statusCode).toBe(400)
    expect((await get(cadre, `/api/qr/regions/abc.png`)).statusCode).toBe(400)
  })
})

describe('place posters', () => {
  it('a place gets a short code of its own the first time, the same one after, and the public page knows it', async () => {
    const first = await get(cadre, `/api/qr/places/${placeId}`)
    expect(first.statusCode, first.body).toBe(200)
    const target = first.json()
    expect(target).toMatchObject({ kind: 'place', name: '雅璜村民情角', regionCode: YAHUANG, regionName: '雅璜村', placeId, areaNames: ['嵊州市', '石璜镇', '雅璜村'] })
    expect(target.code).toMatch(PLACE_QR_PATTERN)
    expect(target.url).toBe(`${BASE}/r/${target.code}`)
    const again = (await get(townUser, `/api/qr/places/${placeId}`)).json()
    expect(again.code).toBe(target.code)
    const png = await get(cadre, `/api/qr/places/${placeId}.png`)
    expect(png.headers['content-type']).toBe('image/png')
    expect(readQr(png.rawPayload)).toBe(target.url)
    const stored = await t.db.selectFrom('places').select('qr_code').where('id', '=', placeId).executeTakeFirstOrThrow()
    expect(stored.qr_code).toBe(target.code)
    const page = await t.app.inject({ method: 'GET', url: `/api/public/qr/${target.code}`, remoteAddress: '10.20.30.40' })
    expect(page.statusCode, page.body).toBe(200)
    expect(page.json()).toMatchObject({ kind: 'place', name: '雅璜村民情角', village: '雅璜村' })
  })

  it('404 for a place outside the area or unknown (and no code is made for it); 403 without archive access', async () => {
    expect((await get(cadre, `/api/qr/places/${foreignPlaceId}`)).statusCode).toBe(404)
    expect((await get(cadre, `/api/qr/places/${foreignPlaceId}.png`)).statusCode).toBe(404)
    const row = await t.db.selectFrom('places').select('qr_code').where('id', '=', foreignPlaceId).executeTakeFirstOrThrow()
    expect(row.qr_code).toBeNull()
    expect((await get(cadre, `/api/qr/places/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404)
    expect((await get(volunteer, `/api/qr/places/${placeId}`)).statusCode).toBe(403)
    expect((await get(cadre, `/api/qr/places/not-a-uuid.png`)).statusCode).toBe(400)
  })
})

describe('without PUBLIC_URL', () => {
  // The poster encodes the address the console was opened by; the answer says when residents' phones cannot reach it.
  let bare: Awaited<ReturnType<typeof createTestApp>>
  let user: MadeUser
  beforeAll(async () => {
    bare = await createTestApp()
    await makeRegion(bare.db, YAHUANG, { '330683': '嵊州市', '330683105': '石璜镇', [YAHUANG]: '雅璜村' })
    user = await makeUser(bare.db, { roles: ['stationed_cadre'], regionCode: YAHUANG })
  })
  afterAll(() => bare?.close())
  const at = (host: string, url = `/api/qr/regions/${YAHUANG}`) => bare.app.inject({ method: 'GET', url, headers: { ...user.auth, host } })

  it.each([
    ['127.0.0.1:8080', 'loopback'],
    ['localhost:8080', 'loopback'],
    ['[::1]:8080', 'loopback'],
    ['192.168.1.20:8080', 'private'],
    ['10.0.0.7', 'private'],
    ['[fd00::7]:8080', 'private'],
    ['169.254.1.1', 'link_local'],
    ['minqing.local:8080', 'local_name'],
  ])('%s is marked unreachable (%s), and the link still uses it', async (host, reason) => {
    const res = await at(host)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ url: `http://${host}/r/${YAHUANG}`, publicUrl: { value: `http://${host}`, source: 'request', reachable: false, reason } })
  })

  it('a public name is reachable; the PNG encodes the same link', async () => {
    const res = await at('mq.example.cn')
    expect(res.json().publicUrl).toEqual({ value: 'http://mq.example.cn', source: 'request', reachable: true, reason: null })
    expect(readQr((await at('mq.example.cn', `/api/qr/regions/${YAHUANG}.png`)).rawPayload)).toBe(`http://mq.example.cn/r/${YAHUANG}`)
  })
})
