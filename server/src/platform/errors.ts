import { ERROR_CODES, ErrorBodySchema, type ErrorCode, NAME_PATTERN } from '@minqing/common'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { securityHeaders } from './security-headers.ts'

/** An error the client caused or may handle: always answered as `{ error: { code, message, details } }`. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const badRequest = (code: ErrorCode, message: string, details?: unknown) => new AppError(400, code, message, details)
export const unauthenticated = (message = '请先登录', code: ErrorCode = 'UNAUTHENTICATED') => new AppError(401, code, message)
export const forbidden = (message = '没有权限执行此操作', details?: unknown) => new AppError(403, 'FORBIDDEN', message, details)
/** Out-of-scope reads use this too: the row does not exist for that user. */
export const notFound = (what = '资源') => new AppError(404, 'NOT_FOUND', `${what}不存在`)
export const conflict = (code: ErrorCode, message: string, details?: unknown) => new AppError(409, code, message, details)

/** Route response schemas for these error statuses: each answers an `ErrorBodySchema`. */
export function errorSchemas<S extends number>(...statuses: S[]): Record<S, typeof ErrorBodySchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBodySchema])) as Record<S, typeof ErrorBodySchema>
}

/** The errors of an ordinary signed-in API route: bad input, no session, no permission, not found (or out of scope), conflict. */
export const errorResponses = errorSchemas(400, 401, 403, 404, 409)
/** Those of a route that takes an upload, plus file too large and not multipart. */
export const uploadErrorResponses = errorSchemas(400, 401, 403, 404, 409, 413, 415)

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

// Fastify's own client errors, mapped to our stable codes.
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: '请求体不是合法的 JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: '请求体为空' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: '请求体过大' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的内容类型' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'VALIDATION_FAILED', message: 'Content-Length 不正确' },
}

interface AjvLikeError {
  instancePath?: string
  keyword?: string
  message?: string
  params?: Record<string, unknown>
}

function describeValidation(errors: AjvLikeError[], context: string) {
  return errors.map((e) => {
    let path = (e.instancePath || '').replace(/^\//, '').replace(/\//g, '.')
    if (e.keyword === 'required' && e.params?.missingProperty) path = [path, e.params.missingProperty].filter(Boolean).join('.')
    if (e.keyword === 'additionalProperties' && e.params?.additionalProperty) path = [path, e.params.additionalProperty].filter(Boolean).join('.')
    // Name() fields: say what a name needs, not the regular expression.
    if (e.keyword === 'pattern' && e.params?.pattern === NAME_PATTERN) return { in: context, path, rule: 'name', message: '须含可见字符,不能含控制字符或双向控制字符' }
    return { in: context, path, rule: e.keyword, message: e.message ?? 'invalid' }
  })
}

/**
 * Database errors that only bad input causes (a value the column's type cannot hold, text PostgreSQL cannot
 * store, a unique key a user named twice). The last line of defence: validation should refuse these first,
 * so each is logged as a warning to be fixed at the schema.
 */
const DB_INPUT_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  '22P02': { status: 400, code: 'VALIDATION_FAILED', message: '参数格式不正确' },
  '22003': { status: 400, code: 'VALIDATION_FAILED', message: '数值超出范围' },
  '22007': { status: 400, code: 'VALIDATION_FAILED', message: '日期时间格式不正确' },
  '22008': { status: 400, code: 'VALIDATION_FAILED', message: '日期时间超出范围' },
  '22021': { status: 400, code: 'VALIDATION_FAILED', message: '文字含有不允许的字符' },
  '22P05': { status: 400, code: 'VALIDATION_FAILED', message: '文字含有不允许的字符' },
  '22001': { status: 400, code: 'VALIDATION_FAILED', message: '文字过长' },
  '23505': { status: 409, code: 'CONFLICT', message: '与已有记录冲突' },
}

/** The 4xx a database error stands for, when it is one of those. */
export function dbInputError(err: unknown): AppError | undefined {
  const code = (err as { code?: unknown })?.code
  const mapped = typeof code === 'string' ? DB_INPUT_ERRORS[code] : undefined
  return mapped && new AppError(mapped.status, mapped.code, mapped.message, { sqlState: code })
}

/**
 * Fastify's router errors (bad percent-encoding, a path parameter over maxParamLength, a failed async
 * constraint): a 4xx in our shape. Fastify calls this `frameworkErrors` handler synchronously from the router
 * and neither awaits nor catches what it returns or throws, so it must be a plain function that never throws:
 * a failure while answering (a header it cannot set, say) falls back to a fixed JSON 400 on the raw response.
 */
export function routerErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
  const message = tooLong ? '路径参数过长' : err.code === 'FST_ERR_BAD_URL' ? '网址编码不正确' : '请求不合法'
  try {
    // These answers skip every hook, the security headers' too: set them here.
    reply.headers(securityHeaders(request.url))
    void reply.status(tooLong ? 414 : 400).send(errorBody(ERROR_CODES.VALIDATION_FAILED, message, { in: 'url', rule: err.code }))
  } catch (failure) {
    try {
      request.log.error({ err: failure }, 'router error handler failed')
    } catch {
      // nothing more to do: the answer below still goes out
    }
    const raw = reply.raw
    if (raw.headersSent) return void raw.end()
    const body = JSON.stringify(errorBody(ERROR_CODES.VALIDATION_FAILED, message))
    raw.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff' })
    raw.end(body)
  }
}

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers)
      return reply.status(err.status).send(errorBody(ERROR_CODES[err.code] ?? err.code, err.message, err.details))
    }
    const fe = err as FastifyError & { validationContext?: string }
    if (fe.validation) {
      const details = describeValidation(fe.validation as AjvLikeError[], fe.validationContext ?? 'body')
      const unknown = details.filter((d) => d.rule === 'additionalProperties').map((d) => d.path)
      const message = unknown.length ? `不允许的字段: ${unknown.join(', ')}` : `请求参数不合法: ${details.map((d) => `${d.path || d.in} ${d.message}`).join('; ')}`
      return reply.status(400).send(errorBody(ERROR_CODES.VALIDATION_FAILED, message, details))
    }
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined
    if (mapped) return reply.status(mapped.status).send(errorBody(mapped.code, mapped.message))
    const status = fe.statusCode ?? 500
    if (status >= 400 && status < 500) {
      // Any other client error Fastify raises (bad URL encoding, bad headers…): keep its status, name it.
      return reply.status(status).send(errorBody(fe.code ?? 'BAD_REQUEST', fe.message))
    }
    const fromDb = dbInputError(err)
    if (fromDb) {
      request.log.warn({ err }, 'bad input reached the database (validate it at the schema)')
      return reply.status(fromDb.status).send(errorBody(ERROR_CODES[fromDb.code], fromDb.message, fromDb.details))
    }
    request.log.error({ err }, 'unhandled error')
    return reply.status(500).send(errorBody(ERROR_CODES.INTERNAL, '服务器内部错误'))
  })
}
