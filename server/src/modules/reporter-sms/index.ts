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
    const sender = smsSender(ctx)
    // The tracking link's base is PUBLIC_URL. A text has no request to take an address from (the 民情码 poster takes
    // the one it was opened by), so without PUBLIC_URL it is the server's own listening address — which residents'
    // phones cannot open: said once at start, where the operator looks.
    const host = ['0.0.0.0', '::', ''].includes(ctx.config.host) ? '127.0.0.1' : ctx.config.host
    const own = `http://${host.includes(':') ? `[${host}]` : host}:${ctx.config.port}`
    const base = ctx.config.publicUrl ?? own
    if (sender && !ctx.config.publicUrl) app.log.warn(`PUBLIC_URL is not set: texts to reporters link to ${own}, which residents' phones cannot open; set PUBLIC_URL`)
    const sms = new ReporterSms(ctx.db, crypto, sender, () => base, { warn: (m) => app.log.warn(m), debug: (m) => app.log.debug(m) })
    instances.set(ctx, sms)
    const off = ctx.bus.subscribe('case.*', (event) => {
      if (event.origin !== ctx.bus.origin) return
      const p = event.payload as { id?: string }
      if (p?.id) sms.changed(event.topic.slice('case.'.length), p.id)
    })
    app.addHook('onClose', async () => {
      off()
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
