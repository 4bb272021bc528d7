import { type FastifyInstance, LogController } from 'fastify'
import { redactUrl } from './log-redaction.ts'

/**
 * What the server logs about requests (issue 12, defect 13: a line per request at info made 6,600 lines in twenty
 * minutes of clicking). Fastify's own per-request lines are off (quietLogController, given to Fastify in app.ts); instead:
 * - every 5xx answer: error, and every request slower than `slowMs`: warn — method, route, status, ms;
 * - every `summaryMs` with traffic, one info line: requests, by status class, p50/p95/max ms, slow ones;
 * - every request, only at LOG_LEVEL=debug (or trace).
 * URLs pass through redactUrl (platform/log-redaction.ts) like every request line before.
 */
export interface RequestLogOptions {
  slowMs: number
  /** 0: no summary. */
  summaryMs: number
}

/** Durations kept per interval for the percentiles; beyond this, a uniform sample of them (reservoir). */
const MAX_SAMPLES = 20_000

export class RequestStats {
  requests = 0
  slow = 0
  byClass: Record<string, number> = {}
  private samples: number[] = []

  record(status: number, ms: number, slow: boolean) {
    this.requests++
    if (slow) this.slow++
    const cls = `${Math.floor(status / 100)}xx`
    this.byClass[cls] = (this.byClass[cls] ?? 0) + 1
    if (this.samples.length < MAX_SAMPLES) this.samples.push(ms)
    else {
      const at = Math.floor(Math.random() * this.requests)
      if (at < MAX_SAMPLES) this.samples[at] = ms
    }
  }

  /** The interval's figures, and a fresh start; undefined when there was no request. */
  take(): Record<string, number> | undefined {
    if (this.requests === 0) return undefined
    const sorted = this.samples.sort((a, b) => a - b)
    // Nearest-rank percentile over the kept durations.
    const pct = (p: number) => Math.round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)])
    const out = { requests: this.requests, ...this.byClass, p50: pct(50), p95: pct(95), max: Math.round(sorted[sorted.length - 1]), slow: this.slow }
    this.requests = 0
    this.slow = 0
    this.byClass = {}
    this.samples = []
    return out
  }
}

/** Fastify without its "incoming request" / "request completed" lines (and their 4xx info lines). */
export const quietLogController = () => new LogController({ disableRequestLogging: true })

export function installRequestLog(app: FastifyInstance, opts: RequestLogOptions) {
  const stats = new RequestStats()
  // A logger that is off (tests build the app with logger: false) has no isLevelEnabled: nothing to prepare.
  const log = app.log as typeof app.log & { isLevelEnabled?: (level: string) => boolean }
  const enabled = (level: string) => log.isLevelEnabled?.(level) ?? false

  app.addHook('onResponse', async (request, reply) => {
    const ms = reply.elapsedTime
    const status = reply.statusCode
    const slow = ms > opts.slowMs
    stats.record(status, ms, slow)
    if (status < 500 && !slow && !enabled('debug')) return
    const line = {
      method: request.method,
      // The route as declared (`/api/cases/:id`); requests no route matched have none.
      route: request.routeOptions.url ?? null,
      url: redactUrl(request.url),
      status,
      ms: Math.round(ms),
    }
    if (status >= 500) request.log.error(line, 'request failed')
    else if (slow) request.log.warn(line, 'slow request')
    else request.log.debug(line, 'request')
  })

  if (opts.summaryMs > 0 && enabled('info')) {
    const flush = () => {
      const figures = stats.take()
      if (figures) app.log.info({ ...figures, seconds: opts.summaryMs / 1000 }, 'request summary')
    }
    const timer = setInterval(flush, opts.summaryMs)
    timer.unref()
    app.addHook('onClose', async () => {
      clearInterval(timer)
      flush()
    })
  }
}
