import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion } from '../../../test/factories.ts'
import { MAX_RESULTS, WINDOW_DAYS } from './open311.service.ts'

// The spec's limits on lists: a 90-day window by default (and at most), and at most 1000 results. This file
// owns a database full of published cases, so the other Open311 tests keep their lists small.
const DAY = 86_400_000
let t: Awaited<ReturnType<typeof createTestApp>>
const now = Date.now()
let oldNumber: string
let busyCaseId: string

const get = (url: string) => t.app.inject({ method: 'GET', url })
const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString())

beforeAll(async () => {
  t = await createTestApp()
  const regionId = await makeRegion(t.db, '330683')
  const cat = await t.db.selectFrom('categories').select('id').where('code', '=', 'traffic.road').executeTakeFirstOrThrow()
  // Cases as the Open311 door leaves them, written in bulk: 1005 in the last days, one 93 days ago.
  const row = (n: number, createdAt: Date) => ({
    number: `MQ-T-${String(n).padStart(5, '0')}`,
    channel: 'open311',
    state: 'new',
    level: 'county' as const,
    region_id: regionId,
    category_id: cat.id,
    title: `报告 ${n}`,
    description: `第 ${n} 个报告`,
    reporter_kind: 'anonymous' as const,
    tracking_code: `TWIN${String(n).padStart(6, '0')}`,
    created_at: createdAt,
    updated_at: createdAt,
  })
  await t.db
    .insertInto('cases')
    .values(Array.from({ length: MAX_RESULTS + 5 }, (_, i) => row(i + 1, new Date(now - (i + 1) * 60_000))))
    .execute()
  const old = row(99_999, new Date(now - 93 * DAY))
  oldNumber = old.number
  await t.db.insertInto('cases').values(old).execute()

  const busy = await t.db.selectFrom('cases').select('id').where('number', '=', 'MQ-T-00001').executeTakeFirstOrThrow()
  busyCaseId = busy.id
  await t.db
    .insertInto('case_events')
    .values(
      Array.from({ length: MAX_RESULTS + 1 }, (_, i) => ({
        case_id: busyCaseId,
        action: 'accept',
        actor_id: null,
        from_state: 'dispatched',
        to_state: 'accepted',
        note: null,
        data: '{}',
        at: new Date(now - 2 * DAY + i * 1000),
      })),
    )
    .execute()
})
afterAll(() => t.close())

describe('GET requests: the window and the cap', () => {
  it('answers at most 1000, newest first, from the last 90 days by default', async () => {
    const res = await get('/open311/v2/requests.json')
    expect(res.statusCode).toBe(200)
    const list = res.json() as { service_request_id: string; requested_datetime: string }[]
    expect(list).toHaveLength(MAX_RESULTS)
    expect(list[0].service_request_id).toBe('MQ-T-00001')
    expect(list.at(-1)!.service_request_id).toBe(`MQ-T-0${MAX_RESULTS}`)
    const times = list.map((r) => Date.parse(r.requested_datetime))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(list.some((r) => r.service_request_id === oldNumber)).toBe(false)
  })

  it('a start_date alone opens 90 days from it; an end_date alone, 90 days up to it', async () => {
    const fromStart = (await get(`/open311/v2/requests.json?start_date=${iso(now - 95 * DAY)}`)).json()
    expect(fromStart.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([oldNumber])
    const toEnd = (await get(`/open311/v2/requests.json?end_date=${iso(now - 91 * DAY)}`)).json()
    expect(toEnd.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([oldNumber])
    const both = (await get(`/open311/v2/requests.json?start_date=${iso(now - 10 * 60_000 - 30_000)}&end_date=${iso(now - 5 * 60_000 - 30_000)}`)).json()
    expect(both.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(['MQ-T-00006', 'MQ-T-00007', 'MQ-T-00008', 'MQ-T-00009', 'MQ-T-00010'])
  })

  it('refuses a window over 90 days or backwards; ids override the window', async () => {
    const long = await get(`/open311/v2/requests.json?start_date=${iso(now - (WINDOW_DAYS + 1) * DAY)}&end_date=${iso(now)}`)
    expect(long.statusCode).toBe(400)
    expect(long.json()).toEqual([{ code: 400, description: expect.stringMatching(/90 days/) }])
    expect((await get(`/open311/v2/requests.json?start_date=${iso(now)}&end_date=${iso(now - DAY)}`)).statusCode).toBe(400)
    const byId = (await get(`/open311/v2/requests.json?service_request_id=${oldNumber}&start_date=${iso(now - DAY)}&status=closed`)).json()
    expect(byId.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([oldNumber])
    const tooMany = Array.from({ length: MAX_RESULTS + 1 }, (_, i) => `MQ-X-${i}`).join(',')
    expect((await get(`/open311/v2/requests.json?service_request_id=${tooMany}`)).statusCode).toBe(400)
  })
})

describe('GET servicerequestupdates: the window and the cap', () => {
  it('answers at most 1000, oldest first, so a client syncs forward from the last one it got', async () => {
    const res = await get(`/open311/v2/servicerequestupdates.json?start_date=${iso(now - 3 * DAY)}`)
    expect(res.statusCode).toBe(200)
    const list = res.json() as { update_id: string; updated_datetime: string }[]
    expect(list).toHaveLength(MAX_RESULTS)
    const ids = list.map((u) => Number(u.update_id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    const next = (await get(`/open311/v2/servicerequestupdates.json?start_date=${encodeURIComponent(list.at(-1)!.updated_datetime)}`)).json()
    expect(next.map((u: { update_id: string }) => u.update_id)).toEqual([list.at(-1)!.update_id, String(ids.at(-1)! + 1)])
  })
})
