// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, buildUrl, parseErrorResponse, request, setUnauthorizedHandler } from './client.ts'

function jsonResponse(status: number, body: unknown, statusText = ''): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  })
}

describe('buildUrl', () => {
  it('prefixes /api and drops empty query values', () => {
    expect(buildUrl('/regions')).toBe('/api/regions')
    expect(buildUrl('users', { q: '张', role: '', regionCode: undefined, limit: 20, offset: 0, x: null })).toBe('/api/users?q=%E5%BC%A0&limit=20&offset=0')
  })
})

describe('request', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    setUnauthorizedHandler(null)
  })

  it('sends JSON with the session cookie and parses the JSON answer', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { ok: true }))
    const res = await api.post<{ ok: boolean }>('/auth/password', { currentPassword: 'a', newPassword: 'b' })
    expect(res).toEqual({ ok: true })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/auth/password')
    expect(init.method).toBe('POST')
    expect(init.credentials).toBe('include')
    expect(init.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(init.body)).toEqual({ currentPassword: 'a', newPassword: 'b' })
  })

  it('GET carries no body and no content type', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, []))
    await api.get('/regions', { parent: '330683' })
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/regions?parent=330683')
    expect(init.method).toBe('GET')
    expect(init.body).toBeUndefined()
    expect(init.headers['Content-Type']).toBeUndefined()
    expect(init.credentials).toBe('include')
  })

  it('returns undefined for 204 / empty bodies', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }))
    await expect(request('/x')).resolves.toBeUndefined()
  })

  it('throws an ApiError with status, code, message and details from the error body', async () => {
    fetchMock.mockResolvedValue(jsonResponse(409, { error: { code: 'PHONE_TAKEN', message: 'phone already used', details: { field: 'phone' } } }))
    const err = (await api.post('/users', {}).catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(409)
    expect(err.code).toBe('PHONE_TAKEN')
    expect(err.message).toBe('phone already used')
    expect(err.details).toEqual({ field: 'phone' })
  })

  it('keeps details of a 429 (retryAfterSeconds)', async () => {
    fetchMock.mockResolvedValue(jsonResponse(429, { error: { code: 'TOO_MANY_ATTEMPTS', message: 'slow down', details: { retryAfterSeconds: 600 } } }))
    const err = (await api.post('/auth/login', {}, { skipUnauthorizedHandler: true }).catch((e) => e)) as ApiError
    expect(err.code).toBe('TOO_MANY_ATTEMPTS')
    expect(err.details).toEqual({ retryAfterSeconds: 600 })
  })

  it('falls back to a code from the status when the body is not an error body', async () => {
    fetchMock.mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }))
    const err = (await request('/health').catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(502)
    expect(err.code).toBe('INTERNAL')
    expect(err.message).toBe('Bad Gateway')
  })

  it('turns a network failure into NETWORK_ERROR', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    const err = (await request('/health').catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(0)
    expect(err.code).toBe('NETWORK_ERROR')
  })

  it('calls the unauthorized handler on 401 and still throws', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(401, { error: { code: 'SESSION_EXPIRED', message: 'expired' } }))
    const err = (await api.get('/users').catch((e) => e)) as ApiError
    expect(err.status).toBe(401)
    expect(err.code).toBe('SESSION_EXPIRED')
    expect(handler).toHaveBeenCalledTimes(1)
    expect(handler.mock.calls[0][0]).toBe(err)
  })

  it('does not call the unauthorized handler when the caller handles 401 itself (login, me)', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(401, { error: { code: 'INVALID_CREDENTIALS', message: 'bad' } }))
    const err = (await api.post('/auth/login', {}, { skipUnauthorizedHandler: true }).catch((e) => e)) as ApiError
    expect(err.code).toBe('INVALID_CREDENTIALS')
    expect(handler).not.toHaveBeenCalled()
  })

  it('does not call the unauthorized handler for other errors', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    fetchMock.mockResolvedValue(jsonResponse(403, { error: { code: 'FORBIDDEN', message: 'no' } }))
    await api.get('/users').catch(() => undefined)
    expect(handler).not.toHaveBeenCalled()
  })

  it('unregisters the handler', async () => {
    const handler = vi.fn()
    const off = setUnauthorizedHandler(handler)
    off()
    fetchMock.mockResolvedValue(jsonResponse(401, { error: { code: 'UNAUTHENTICATED', message: 'x' } }))
    await api.get('/users').catch(() => undefined)
    expect(handler).not.toHaveBeenCalled()
  })
})

describe('parseErrorResponse', () => {
  it('uses the status code when the error body lacks a code', async () => {
    const err = await parseErrorResponse(jsonResponse(401, { error: { message: 'who are you' } }))
    expect(err.code).toBe('UNAUTHENTICATED')
    expect(err.message).toBe('who are you')
  })
})
