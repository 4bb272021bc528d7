import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import * as repo from './reporter-sms.repository.ts'

/** The moments a reporter hears of their case (反映必反馈): accepted, answered, finished. */
export type ReporterNotice = 'accepted' | 'replied' | 'closed' | 'rejected' | 'merged'

/**
 * What the text says, after 【民情】 and before the link: the case number only — no names, no title (it may hold
 * personal data), nothing a stranger reading the phone learns more from than that a case exists.
 */
export const REPORTER_TEXTS: Record<ReporterNotice, (number: string) => string> = {
  accepted: (n) => `您反映的事项${n}已受理,正在办理。`,
  replied: (n) => `您反映的事项${n}已答复,请查看并评价。`,
  closed: (n) => `您反映的事项${n}已办结,感谢您的支持。`,
  rejected: (n) => `您反映的事项${n}未予受理,原因请查看。`,
  merged: (n) => `您反映的事项${n}已与同类事项合并办理。`,
}

/**
 * Which domain event (`case.<action>`, published after the change commits) tells the reporter what: the state the
 * case is in afterwards decides (a rating closes the case, or reopens it — then nothing is sent).
 */
export function noticeFor(action: string, state: string): ReporterNotice | null {
  if (action === 'accept' && state === 'accepted') return 'accepted'
  if ((action === 'reply' || action === 'resolve_on_spot') && state === 'replied') return 'replied'
  if ((action === 'rate' || action === 'auto_close') && state === 'closed') return 'closed'
  if (action === 'reject' && state === 'rejected') return 'rejected'
  if (action === 'merge' && state === 'merged') return 'merged'
  return null
}

/** Sends one text to one phone; the SMS channel puts 【民情】 in front. */
export type SmsSender = (phone: string, text: string) => Promise<void>

/** The actions after which a reporter may hear something (others cost no lookup: intake is the hot path). */
const TOLD_AFTER = new Set(['accept', 'reply', 'resolve_on_spot', 'rate', 'auto_close', 'reject', 'merge'])

/** The whole text: 【民情】 is added by the SMS channel. */
export const reporterText = (kind: ReporterNotice, number: string, link: string) => `${REPORTER_TEXTS[kind](number)}查看: ${link}`

/**
 * Texts to the reporters who left a phone on their case (a resident's 民情码 report, a hotline or walk-in caller),
 * through the configured SMS gateway, with the tracking link. Sent after the change committed and in the
 * background: a slow or failing gateway is logged and never holds up or fails the action.
 */
export class ReporterSms {
  private pending = new Set<Promise<unknown>>()

  constructor(
    private db: Kysely<DB>,
    private crypto: FieldCrypto,
    /** Sends one text through the SMS gateway (the notifications' SmsChannel); null when none is configured. */
    private sender: SmsSender | null,
    /** The base of the tracking link (PUBLIC_URL, or what the office reaches the server by). */
    private linkBase: () => string,
    private log: { warn(m: string): void; debug(m: string): void } = { warn: () => {}, debug: () => {} },
  ) {}

  /** A case changed by `action`: text its reporter if the change is one they hear of. Returns at once. */
  changed(action: string, caseId: string) {
    if (!this.sender || !TOLD_AFTER.has(action)) return
    const p = this.send(action, caseId)
      .catch((err) => this.log.warn(`[sms:reporter] ${action} ${caseId} failed: ${(err as Error).message}`))
      .finally(() => this.pending.delete(p))
    this.pending.add(p)
  }

  private async send(action: string, caseId: string) {
    const c = await repo.caseForSms(this.db, caseId)
    if (!c || !c.tracking_code || !c.reporter_phone_enc || c.reporter_kind === 'anonymous') return
    const kind = noticeFor(action, c.state)
    if (!kind) return
    const phone = this.crypto.decrypt(c.reporter_phone_enc)
    const link = `${this.linkBase().replace(/\/+$/, '')}/t/${c.tracking_code}`
    await this.sender!(phone, reporterText(kind, c.number, link))
    this.log.debug(`[sms:reporter] ${kind} ${c.number}`)
  }

  /** Resolves when every text started so far has been sent or has failed (tests; a graceful shutdown). */
  async idle() {
    while (this.pending.size) await Promise.allSettled([...this.pending])
  }
}
