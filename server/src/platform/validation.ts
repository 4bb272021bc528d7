// Input checks every route gets, whatever its schema says (issue 11, defect 7): text PostgreSQL cannot store
// or that no honest client sends, and numbers beyond what the database's integer columns hold, are answered
// 400 at the door instead of failing as a 500 deep inside a query.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from './errors.ts'

/** NUL (PostgreSQL text cannot hold it) and UTF-16 surrogates that are not part of a pair (not Unicode at all). */
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Where the first string holding bad text is, in a parsed body, query or params value ('' = the value itself), or undefined. */
export function findBadText(value: unknown, at = '', depth = 0): string | undefined {
  if (typeof value === 'string') return BAD_TEXT.test(value) ? at : undefined
  if (depth > 64 || value === null || typeof value !== 'object') return undefined
  if (Buffer.isBuffer(value)) return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], at ? `${at}.${i}` : String(i), depth + 1)
      if (found !== undefined) return found
    }
    return undefined
  }
  for (const [k, v] of Object.entries(value)) {
    const keyAt = at ? `${at}.${k}` : k
    if (BAD_TEXT.test(k)) return keyAt
    const found = findBadText(v, keyAt, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}

export const badTextError = (where: string, path: string) =>
  new AppError(400, 'VALIDATION_FAILED', `${path || where} 含有不允许的字符(NUL 或不成对的代理项)`, [{ in: where, path, rule: 'text', message: 'must not contain NUL or unpaired surrogates' }])

/** Refuse bad text in the query, the path parameters and a parsed body of every request, before any schema or handler. */
export function installTextGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    for (const [where, value] of [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const) {
      const path = findBadText(value)
      if (path !== undefined) throw badTextError(where, path)
    }
  })
}

/** The largest integer a JSON number holds exactly; it also fits a PostgreSQL bigint. */
const MAX_INTEGER = Number.MAX_SAFE_INTEGER

/**
 * A copy of a route schema in which every integer without bounds gets ±MAX_INTEGER, so 1e308 or 10^20 in
 * an id, offset or count is a 400 (Ajv's `integer` accepts 1e308: it has no fractional part). The shared
 * schema objects are left alone (they also serialize responses and are read by the web).
 */
export function boundIntegers<T>(schema: T, seen = new Map<object, unknown>()): T {
  if (!schema || typeof schema !== 'object') return schema
  if (seen.has(schema as object)) return seen.get(schema as object) as T
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON Schema walked key by key: any node, any keyword.
  const copy: any = Array.isArray(schema) ? [] : {}
  seen.set(schema as object, copy)
  for (const key of Reflect.ownKeys(schema as object)) {
    copy[key] = boundIntegers((schema as Record<PropertyKey, unknown>)[key], seen)
  }
  if (!Array.isArray(schema)) {
    const type = copy.type
    if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) {
      if (copy.maximum === undefined && copy.exclusiveMaximum === undefined) copy.maximum = MAX_INTEGER
      if (copy.minimum === undefined && copy.exclusiveMinimum === undefined) copy.minimum = -MAX_INTEGER
    }
  }
  return copy
}
