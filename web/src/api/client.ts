/**
 * Thin fetch wrapper for the Minqing API. Every call goes to `/api/...` with the session cookie
 * (`credentials: 'include'`), sends/receives JSON and turns error bodies `{ error: { code, message, details } }`
 * into a thrown {@link ApiError}. A 401 on a normal call means the session is gone: the registered
 * unauthorized handler clears the auth store and sends the user to the login page.
 */

export const API_BASE = '/api'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: unknown

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  query?: Query
  body?: unknown
  signal?: AbortSignal
  /**
   * Do not run the global 401 handler (login, `me`, password checks: the caller deals with the 401 itself).
   */
  skipUnauthorizedHandler?: boolean
}

type UnauthorizedHandler = (error: ApiError) => void
let unauthorizedHandler: UnauthorizedHandler | null = null

/** Registers what happens on a 401 (the app clears the auth store and routes to login). Returns an unregister function. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): () => void {
  unauthorizedHandler = handler
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null
  }
}

export function buildUrl(path: string, query?: Query): string {
  const clean = path.startsWith('/') ? path : `/${path}`
  let url = `${API_BASE}${clean}`
  if (query) {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue
      params.append(key, String(value))
    }
    const qs = params.toString()
    if (qs) url += `${url.includes('?') ? '&' : '?'}${qs}`
  }
  return url
}

/** Turns a non-2xx response into an ApiError, reading the `{ error: {...} }` body when there is one. */
export async function parseErrorResponse(res: Response): Promise<ApiError> {
  let body: unknown = undefined
  const text = await res.text().catch(() => '')
  if (text) {
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
  }
  const err = (body as { error?: unknown } | undefined)?.error
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; details?: unknown }
    const code = typeof e.code === 'string' && e.code ? e.code : fallbackCode(res.status)
    const message = typeof e.message === 'string' && e.message ? e.message : res.statusText || code
    return new ApiError(res.status, code, message, e.details)
  }
  const code = fallbackCode(res.status)
  return new ApiError(res.status, code, res.statusText || `HTTP ${res.status}`, undefined)
}

function fallbackCode(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED'
  if (status === 403) return 'FORBIDDEN'
  if (status === 404) return 'NOT_FOUND'
  if (status === 429) return 'TOO_MANY_ATTEMPTS'
  if (status >= 500) return 'INTERNAL'
  return `HTTP_${status}`
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST')
  const headers: Record<string, string> = { Accept: 'application/json' }
  const init: RequestInit = { method, headers, credentials: 'include', signal: options.signal }
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(options.body)
  }

  let res: Response
  try {
    res = await fetch(buildUrl(path, options.query), init)
  } catch (cause) {
    if ((cause as { name?: string })?.name === 'AbortError') throw cause
    throw new ApiError(0, 'NETWORK_ERROR', (cause as Error)?.message || 'Network error')
  }

  if (!res.ok) {
    const error = await parseErrorResponse(res)
    if (res.status === 401 && !options.skipUnauthorizedHandler && unauthorizedHandler) {
      try {
        unauthorizedHandler(error)
      } catch {
        /* the handler must not hide the original error */
      }
    }
    throw error
  }

  if (res.status === 204) return undefined as T
  const text = await res.text()
  if (!text) return undefined as T
  try {
    return JSON.parse(text) as T
  } catch {
    throw new ApiError(res.status, 'INVALID_RESPONSE', 'The server sent a response that is not JSON')
  }
}

export const api = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'method' | 'query' | 'body'> = {}) => request<T>(path, { ...opts, method: 'GET', query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}) => request<T>(path, { ...opts, method: 'POST', body: body ?? {} }),
  patch: <T>(path: string, body: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}) => request<T>(path, { ...opts, method: 'PATCH', body }),
  del: <T>(path: string, opts: Omit<RequestOptions, 'method' | 'body'> = {}) => request<T>(path, { ...opts, method: 'DELETE' }),
}
