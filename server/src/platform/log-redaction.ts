import type { FastifyRequest } from 'fastify'
import { redactIdentifiers } from './identifiers.ts'

/**
 * Query parameters whose values never reach a log line (issue 11): personal identifiers and secrets. Names are
 * compared without case, `-` and `_` (api_key, apiKey, api-key alike).
 */
const SECRET_PARAMS = new Set(['idnumber', 'idcard', 'phone', 'mobile', 'tel', 'apikey', 'key', 'token', 'password', 'secret', 'signature', 'sig', 'code', 'accesstoken'])
const normal = (name: string) => name.toLowerCase().replace(/[-_]/g, '')

/** Whether a query parameter's value is withheld from the logs whatever it looks like. */
const isSecretParam = (name: string) => SECRET_PARAMS.has(normal(name))

/**
 * A request URL fit for a log line: secret parameters' values become `***`, and any ID number or phone left in the
 * path or another parameter (a `q=13912345678` search) is masked. The query is rewritten by hand, not through
 * URLSearchParams, so the rest of the line stays as the client sent it.
 */
export function redactUrl(url: string): string {
  const at = url.indexOf('?')
  const path = at < 0 ? url : url.slice(0, at)
  const decodedPath = safeDecode(path)
  const maskedPath = redactIdentifiers(decodedPath)
  const cleanPath = maskedPath === decodedPath ? path : maskedPath
  if (at < 0) return cleanPath
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq < 0) return pair
      const name = safeDecode(pair.slice(0, eq))
      if (isSecretParam(name)) return `${pair.slice(0, eq)}=***`
      const value = safeDecode(pair.slice(eq + 1).replace(/\+/g, ' '))
      const masked = redactIdentifiers(value)
      return masked === value ? pair : `${pair.slice(0, eq)}=${encodeURIComponent(masked)}`
    })
    .join('&')
  return `${cleanPath}?${query}`
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * Fastify logger serializers: the request as Fastify logs it by default, with the URL redacted. Wired into the
 * logger in app.ts for every logger the app is built with.
 */
const logSerializers = {
  req(req: FastifyRequest) {
    return {
      method: req.method,
      url: redactUrl(req.url),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    }
  },
}

/** Fastify's `logger` option with the redacting serializers added (false stays false: no logger). */
export function redactingLogger(option: boolean | Record<string, unknown>): boolean | Record<string, unknown> {
  if (option === false) return false
  const base = option === true ? {} : option
  return { ...base, serializers: { ...((base.serializers as object) ?? {}), ...logSerializers } }
}
