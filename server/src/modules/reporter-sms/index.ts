import type { AppContext, Module } from '../../context.ts'
import { SmsChannel } from '../notifications/channels.ts'
import { ReporterSms, type SmsSender } from './reporter-sms.ts'

const instances = new WeakMap<AppContext, ReporterSms>()
/** The app's reporter texts (tests wait on `idle()`). */
export const reporterSmsOf = (ctx: AppContext) => instances.get(ctx)

/**
 * Texts to reporters at accept, answer and close. Listens to the case events every action publishes after its
 * commit; with Redis every process hears every event, so only the process that made the change sends.
 */
export const reporterSmsModule: Module = {
  name: 'reporter-sms',
  register(app, ctx, { crypto }) {
    const configured = ctx.config.publicUrl
    // Without PUBLIC_URL the link is what the office reaches the server by — taken, like the 民情码 poster's, from
    // requests, but only from signed-in staff's (a stranger's Host header must not end up in residents' texts).
    let seen: string | undefined
    if (!configured)
      app.addHook('onResponse', async (req, reply) => {
        if (req.actor && reply.statusCode < 400) seen = `${req.protocol}://${req.host}`
      })
    const fallback = `http://127.0.0.1:${ctx.config.port}`
    let warned = false
    const linkBase = () => {
      if (configured) return configured
      if (!warned) {
        warned = true
        app.log.warn(`PUBLIC_URL is not set: texts to reporters link to ${seen ?? fallback}, which residents' phones may not reach`)
      }
      return seen ?? fallback
    }
    const sms = new ReporterSms(ctx.db, crypto, smsSender(ctx), linkBase, { warn: (m) => app.log.warn(m), debug: (m) => app.log.debug(m) })
    instances.set(ctx, sms)
    ctx.bus.subscribe('case.*', (event) => {
      if (event.origin !== ctx.bus.origin) return
      const p = event.payload as { id?: string }
      if (p?.id) sms.changed(event.topic.slice('case.'.length), p.id)
    })
    app.addHook('onClose', async () => {
      await sms.idle()
    })
  },
}

/**
 * The configured SMS gateway (SMS_GATEWAY_URL), the same channel staff notices go out by; the phone is the
 * reporter's, handed in directly. Texts to reporters go out whatever SMS_KINDS says (that list is for staff).
 */
function smsSender(ctx: AppContext): SmsSender | null {
  const sms = ctx.config.notify.sms
  if (!sms) return null
  const channel = new SmsChannel({ ...sms, kinds: ['reporter.sms'] }, async (phone) => phone)
  return (phone, text) => channel.send({ userId: phone, kind: 'reporter.sms', title: text, body: null, caseId: null })
}
