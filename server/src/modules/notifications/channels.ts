import { createHmac } from 'node:crypto'
import type { NotifyConfig } from '../../config.ts'
import type { OutboundChannel, OutgoingNotification } from './notifier.ts'

// Outbound notification channels beyond the in-app list: a group robot (DingTalk, WeChat Work or any JSON
// webhook) for the kinds a team must not miss, and an SMS gateway that texts the person concerned.

export type WebhookConfig = NonNullable<NotifyConfig['webhook']>
export type SmsConfig = NonNullable<NotifyConfig['sms']>

const TIMEOUT_MS = 5000

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) })
  const text = await res.text()
  if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 200)}`)
  // Both robots answer 200 with an error code in the body when they refuse.
  try {
    const parsed = JSON.parse(text) as { errcode?: number; errmsg?: string }
    if (parsed.errcode) throw new Error(`errcode ${parsed.errcode}: ${parsed.errmsg ?? ''}`)
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err
  }
}

/** A team's group robot: one text message per notification of the configured kinds. */
export class WebhookChannel implements OutboundChannel {
  name: string
  constructor(
    private config: WebhookConfig,
    private now: () => number = Date.now,
  ) {
    this.name = `webhook:${config.kind}`
  }

  wants(n: OutgoingNotification) {
    return this.config.kinds.includes(n.kind)
  }

  /** DingTalk's 加签: timestamp and HMAC-SHA256(timestamp + "\n" + secret) as query parameters. */
  urlFor(): string {
    if (this.config.kind !== 'dingtalk' || !this.config.secret) return this.config.url
    const timestamp = String(this.now())
    const sign = createHmac('sha256', this.config.secret).update(`${timestamp}\n${this.config.secret}`).digest('base64')
    const u = new URL(this.config.url)
    u.searchParams.set('timestamp', timestamp)
    u.searchParams.set('sign', sign)
    return u.toString()
  }

  async send(n: OutgoingNotification) {
    if (!this.wants(n)) return
    const content = `【民情】${n.title}${n.body ? `\n${n.body}` : ''}`
    const body = this.config.kind === 'generic' ? { kind: n.kind, title: n.title, body: n.body, caseId: n.caseId, userId: n.userId } : { msgtype: 'text', text: { content } }
    await postJson(this.urlFor(), body)
  }
}

/**
 * An HTTP SMS gateway (the county's 短信平台 or a vendor's): POST {phone, text} with a bearer token. Whose phone
 * comes from `phoneOf` (the user's login phone).
 */
export class SmsChannel implements OutboundChannel {
  name = 'sms'
  constructor(
    private config: SmsConfig,
    private phoneOf: (userId: string) => Promise<string | undefined>,
  ) {}

  async send(n: OutgoingNotification) {
    if (!this.config.kinds.includes(n.kind)) return
    const phone = await this.phoneOf(n.userId)
    if (!phone) return
    await postJson(this.config.url, { phone, text: `【民情】${n.title}` }, this.config.token ? { authorization: `Bearer ${this.config.token}` } : {})
  }
}
