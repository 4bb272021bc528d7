import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser } from '../../../test/factories.ts'
import { loadConfig, webhookKindOf } from '../../config.ts'
import { MemoryBus } from '../../platform/events.ts'
import { SmsChannel, WebhookChannel } from './channels.ts'
import { Notifier } from './notifier.ts'

// Outbound channels against a local HTTP server standing in for DingTalk, WeChat Work and an SMS gateway.
let server: Server
let base: string
const got: { url: string; headers: IncomingMessage['headers']; body: any }[] = []
let answer: { status: number; body: string } = { status: 200, body: '{"errcode":0}' }

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = ''
    req.on('data', (c) => (data += c))
    req.on('end', () => {
      got.push({ url: req.url!, headers: req.headers, body: JSON.parse(data || 'null') })
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const notice = (kind: string) => ({ userId: 'u1', kind, title: '事项已超时: MQ-20261122-0001 路灯不亮', body: '村口路灯', caseId: 'c1' })

describe('group robot webhook', () => {
  it('posts a DingTalk text message signed with 加签 (timestamp + HMAC-SHA256), only for the configured kinds', async () => {
    got.length = 0
    const ch = new WebhookChannel({ url: `${base}/robot/send?access_token=abc`, kind: 'dingtalk', secret: 'SECxyz', kinds: ['case.overdue'] }, () => 1_700_000_000_000)
    await ch.send(notice('case.dispatch'))
    expect(got).toHaveLength(0)
    await ch.send(notice('case.overdue'))
    expect(got).toHaveLength(1)
    const url = new URL(got[0].url, base)
    expect(url.searchParams.get('access_token')).toBe('abc')
    expect(url.searchParams.get('timestamp')).toBe('1700000000000')
    expect(url.searchParams.get('sign')).toBe(createHmac('sha256', 'SECxyz').update('1700000000000\nSECxyz').digest('base64'))
    expect(got[0].body).toEqual({ msgtype: 'text', text: { content: '【民情】事项已超时: MQ-20261122-0001 路灯不亮\n村口路灯' } })
  })

  it('speaks WeChat Work’s format and a plain JSON one, and treats a robot’s errcode as a failure', async () => {
    got.length = 0
    await new WebhookChannel({ url: `${base}/cgi-bin/webhook/send?key=k`, kind: 'wecom', kinds: ['case.supervise'] }).send(notice('case.supervise'))
    await new WebhookChannel({ url: `${base}/hook`, kind: 'generic', kinds: ['case.supervise'] }).send(notice('case.supervise'))
    expect(got.map((g) => g.body)).toEqual([
      { msgtype: 'text', text: { content: expect.stringContaining('【民情】') } },
      { kind: 'case.supervise', title: notice('x').title, body: '村口路灯', caseId: 'c1', userId: 'u1' },
    ])
    answer = { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' }
    await expect(new WebhookChannel({ url: `${base}/r`, kind: 'dingtalk', kinds: ['case.overdue'] }).send(notice('case.overdue'))).rejects.toThrow(/310000/)
    answer = { status: 502, body: 'bad gateway' }
    await expect(new WebhookChannel({ url: `${base}/r`, kind: 'generic', kinds: ['case.overdue'] }).send(notice('case.overdue'))).rejects.toThrow(/502/)
    answer = { status: 200, body: '{"errcode":0}' }
  })

  it('is configured from the environment, the robot told apart by its host', () => {
    expect(webhookKindOf('https://oapi.dingtalk.com/robot/send?access_token=x')).toBe('dingtalk')
    expect(webhookKindOf('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x')).toBe('wecom')
    expect(webhookKindOf('https://hooks.example.org/minqing')).toBe('generic')
    const c = loadConfig({
      NOTIFY_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=x',
      NOTIFY_WEBHOOK_SECRET: 'SEC1',
      SMS_GATEWAY_URL: 'https://sms.example.org/send',
      SMS_KINDS: 'case.overdue',
    })
    expect(c.notify.webhook).toMatchObject({ kind: 'dingtalk', secret: 'SEC1', kinds: ['case.overdue', 'case.accept_overdue', 'case.supervise'] })
    expect(c.notify.sms).toMatchObject({ url: 'https://sms.example.org/send', kinds: ['case.overdue'] })
    expect(loadConfig({}).notify).toEqual({ webhook: undefined, sms: undefined })
    expect(() => loadConfig({ NOTIFY_WEBHOOK_URL: 'ftp://x' })).toThrow(/NOTIFY_WEBHOOK_URL/)
    expect(() => loadConfig({ NOTIFY_WEBHOOK_URL: 'https://x.org', NOTIFY_WEBHOOK_KIND: 'slack' })).toThrow(/NOTIFY_WEBHOOK_KIND/)
  })
})

describe('SMS gateway', () => {
  it('texts the user’s phone with a bearer token, and skips users without one', async () => {
    got.length = 0
    const ch = new SmsChannel({ url: `${base}/sms`, token: 'tok', kinds: ['case.overdue'] }, async (id) => (id === 'u1' ? '13912345678' : undefined))
    await ch.send(notice('case.overdue'))
    await ch.send({ ...notice('case.overdue'), userId: 'nobody' })
    await ch.send(notice('case.urge'))
    expect(got).toHaveLength(1)
    expect(got[0].headers.authorization).toBe('Bearer tok')
    expect(got[0].body).toEqual({ phone: '13912345678', text: `【民情】${notice('x').title}` })
  })
})

describe('delivery', () => {
  it('sends in the background: a slow or failing channel neither delays nor fails the change that caused the notice', async () => {
    const errors: string[] = []
    let release!: () => void
    const slow = { name: 'slow', send: () => new Promise<void>((r) => (release = r)) }
    const broken = { name: 'broken', send: async () => Promise.reject(new Error('gateway down')) }
    const n = new Notifier(new MemoryBus(), [slow, broken], (m) => errors.push(m))
    const row = { id: 'n1', user_id: 'u1', kind: 'case.overdue', title: 't', body: null, case_id: null, read_at: null, created_at: new Date() }
    let settled = false
    await n.deliver([row]) // returns while the slow channel is still sending
    const idle = n.idle().then(() => (settled = true))
    await new Promise((r) => setImmediate(r))
    expect(settled).toBe(false)
    release()
    await idle
    expect(errors).toEqual([expect.stringContaining('gateway down')])
  })

  it('reaches the configured SMS gateway when a case is dispatched, through the app', async () => {
    got.length = 0
    const t = await createTestApp({ SMS_GATEWAY_URL: `${base}/sms`, SMS_KINDS: 'case.dispatch' })
    try {
      await makeRegion(t.db, '330683105212')
      const unitId = (await makeUnit(t.db, '330683105', { kind: 'town_office' })).id
      const town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
      const member = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId })
      const c = await t.app.inject({ method: 'POST', url: '/api/cases', headers: town.auth, payload: { regionCode: '330683105212', title: '短信测试', description: 'x' } })
      await t.app.inject({ method: 'POST', url: `/api/cases/${c.json().id}/actions/dispatch`, headers: town.auth, payload: { unitId } })
      await t.app.services.notifier.idle()
      expect(got.map((g) => g.body.phone)).toEqual([member.phone])
    } finally {
      await t.close()
    }
  })
})
