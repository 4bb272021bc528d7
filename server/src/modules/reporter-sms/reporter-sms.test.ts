import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'
import { reporterSmsOf } from './index.ts'
import { noticeFor, REPORTER_TEXTS, reporterText } from './reporter-sms.ts'

// Texts to reporters (issue 12, defect 7): at accept, reply and close, through the configured SMS gateway (a local
// HTTP server stands in for it), with the tracking link — and nothing for a case without a phone.
let server: Server
let base: string
let failing = false
const got: { phone: string; text: string }[] = []

const V = '330683105212'
const G = V + '001'
const PHONE = '13900005555'
let t: Awaited<ReturnType<typeof createTestApp>>
let member: MadeUser
let cadre: MadeUser
let unitId: string

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      if (failing) return void res.writeHead(502).end('gateway down')
      got.push(JSON.parse(data))
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  // SMS_KINDS lists no staff notice: every text the gateway sees here is a reporter's.
  t = await createTestApp({ SMS_GATEWAY_URL: `${base}/sms`, SMS_KINDS: 'none', PUBLIC_URL: 'https://mq.example.cn/' })
  unitId = (await makeUnit(t.db, V, { kind: 'village_committee' })).id
  member = await makeUser(t.db, { roles: ['dept_handler'], regionCode: V, unitId })
  cadre = await makeUser(t.db, { roles: ['grid_worker'], regionCode: G })
})
afterAll(async () => {
  await t.close()
  await new Promise<void>((r) => server.close(() => r()))
})

const sent = async () => {
  await reporterSmsOf(t.ctx)!.idle()
  return got.splice(0)
}
const act = async (who: MadeUser, id: string, action: string, payload: Record<string, unknown> = {}) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: who.auth, payload })
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

describe('texts to the reporter', () => {
  it('at accept, reply and close: one text each to the phone left on the case, with the tracking link', async () => {
    await sent()
    const c = await makeCase(t.db, { state: 'dispatched', regionCode: G, unit: unitId, channel: 'hotline', reporter: { name: '孙阿姨', phone: PHONE } })
    const link = `https://mq.example.cn/t/${c.trackingCode}`
    await act(member, c.id, 'accept')
    expect(await sent()).toEqual([{ phone: PHONE, text: `【民情】${reporterText('accepted', c.number, link)}` }])
    await act(member, c.id, 'reply', { result: '路灯已修复' })
    expect(await sent()).toEqual([{ phone: PHONE, text: `【民情】您反映的事项${c.number}已答复,请查看并评价。查看: ${link}` }])
    const rated = await t.app.inject({ method: 'POST', url: `/api/public/reports/${c.trackingCode}/rating`, payload: { rating: 'satisfied' } })
    expect(rated.statusCode, rated.body).toBe(200)
    expect(await sent()).toEqual([{ phone: PHONE, text: `【民情】${reporterText('closed', c.number, link)}` }])
  })

  it('says no more than the case number: no names, no title; short enough for one text', async () => {
    const c = await makeCase(t.db, { state: 'dispatched', regionCode: G, unit: unitId, reporter: { name: '周某某', phone: PHONE }, title: '周某某家门口的下水道堵了' })
    await act(member, c.id, 'accept')
    const [msg] = await sent()
    expect(msg.text).not.toContain('周')
    expect(msg.text).not.toContain('下水道')
    for (const kind of Object.keys(REPORTER_TEXTS) as (keyof typeof REPORTER_TEXTS)[]) expect(`【民情】${REPORTER_TEXTS[kind]('MQ-20261207-0042')}查看: `.length).toBeLessThanOrEqual(70)
  })

  it('on-the-spot answers and auto-closed cases are told too', async () => {
    const c = await makeCase(t.db, { state: 'new', regionCode: G, createdBy: cadre.id, reporter: { name: '吴', phone: PHONE } })
    await act(cadre, c.id, 'resolve_on_spot', { result: '当场清理' })
    expect((await sent()).map((m) => m.text)).toEqual([expect.stringContaining('已答复')])
    // Nobody rated within the days allowed: the clock job closes it, and the reporter hears so.
    expect(await t.app.services.cases.autoClose(new Date(Date.now() + 30 * 86_400_000))).toBeGreaterThanOrEqual(1)
    expect((await sent()).filter((m) => m.text.includes(c.number)).map((m) => m.text)).toEqual([expect.stringContaining('已办结')])
  })

  it('sends nothing when the reporter left no phone', async () => {
    const c = await makeCase(t.db, { state: 'dispatched', regionCode: G, unit: unitId, reporter: { name: '郑' } })
    await act(member, c.id, 'accept')
    await act(member, c.id, 'reply', { result: '已处理' })
    expect(await sent()).toEqual([])
  })

  it('a gateway that fails is logged and never fails the action', async () => {
    const c = await makeCase(t.db, { state: 'dispatched', regionCode: G, unit: unitId, reporter: { name: '冯', phone: PHONE } })
    failing = true
    try {
      await act(member, c.id, 'accept')
      expect(await sent()).toEqual([])
    } finally {
      failing = false
    }
  })

  it('maps each change to what the reporter hears, by the state it left the case in', () => {
    expect(noticeFor('accept', 'accepted')).toBe('accepted')
    expect(noticeFor('reply', 'replied')).toBe('replied')
    expect(noticeFor('resolve_on_spot', 'replied')).toBe('replied')
    expect(noticeFor('rate', 'closed')).toBe('closed')
    expect(noticeFor('rate', 'reopened')).toBeNull()
    expect(noticeFor('auto_close', 'closed')).toBe('closed')
    expect(noticeFor('reject', 'rejected')).toBe('rejected')
    expect(noticeFor('merge', 'merged')).toBe('merged')
    expect(noticeFor('dispatch', 'dispatched')).toBeNull()
  })
})
