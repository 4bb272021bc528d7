import type { FastifyInstance } from 'fastify'

/**
 * Security headers on every response: pages, built assets, the API, Open311, the API docs, errors and 404s.
 *
 * The Content-Security-Policy allows no inline script and no script from elsewhere, so an HTML-escaping slip
 * (issue 11: a region named `<img src=x onerror=…>` in a tooltip) cannot run script. Styles may be inline:
 * Element Plus, Vant and ECharts set `style` attributes and inject `<style>`. Images may be data: (the favicon,
 * QR codes) and blob: (photos picked on the phone are previewed from object URLs). The built index.html carries
 * no inline script (web/vite.config.ts turns off the modulepreload polyfill), and Swagger UI (/api/docs) loads
 * its scripts from files, so one policy serves all of them.
 */
export interface SecurityHeaderOptions {
  /** Extra image origins, e.g. a map tile host (`https://tiles.example.cn`). None by default. */
  imgSrc?: readonly string[]
}

export function contentSecurityPolicy(opts: SecurityHeaderOptions = {}): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['script-src-attr', ["'none'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', ...(opts.imgSrc ?? [])]],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'"]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', ["'none'"]],
  ]
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ')
}

/**
 * The residents' tracking page `/t/<code>` carries the tracking code in its URL, which is all it takes to read
 * and rate the case: that page sends no Referer at all (not even to this site's own API, whose requests the
 * log keeps). Everything else sends only the origin to other sites and the full URL within the site.
 * (A policy on a JSON answer is inert; it only matters for documents.)
 */
export function referrerPolicyFor(url: string): string {
  const path = url.split('?')[0]
  return /^\/t\//.test(path) ? 'no-referrer' : 'strict-origin-when-cross-origin'
}

export function securityHeaders(url: string, opts: SecurityHeaderOptions = {}): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(opts),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': referrerPolicyFor(url),
    // The phone pages use geolocation (visit check-in) and the camera (photos); nothing else is needed.
    'permissions-policy': 'camera=(self), geolocation=(self), microphone=()',
    'cross-origin-opener-policy': 'same-origin',
  }
}

/**
 * Added as each reply is sent (onSend runs for routes, static files, the error and not-found handlers, and the
 * router's bad-URL answers, which skip the request hooks); a header a route set for itself is kept.
 */
export function installSecurityHeaders(app: FastifyInstance, opts: SecurityHeaderOptions = {}) {
  const byReferrer = new Map<string, Array<[string, string]>>()
  app.addHook('onSend', async (request, reply, payload) => {
    const policy = referrerPolicyFor(request.url)
    let headers = byReferrer.get(policy)
    if (!headers) {
      headers = Object.entries(securityHeaders(request.url, opts))
      byReferrer.set(policy, headers)
    }
    for (const [name, value] of headers) if (!reply.hasHeader(name)) reply.header(name, value)
    return payload
  })
}
