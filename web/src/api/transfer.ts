/**
 * Files over the API: multipart uploads and downloads that should show an error instead of a broken file.
 * `request` in client.ts speaks JSON only; these share its error handling (ApiError from the error body).
 */
import { API_BASE, ApiError, api, parseErrorResponse } from './client.ts'
import { filenameFromDisposition } from '../lib/archive/format.ts'

const fullUrl = (path: string) => (path.startsWith(API_BASE + '/') || /^https?:/.test(path) ? path : `${API_BASE}${path.startsWith('/') ? '' : '/'}${path}`)

/** A 401 here means the session is gone: ask /auth/me through the shared client, whose 401 handler sends the user to login. */
function onUnauthorized() {
  void api.get('/auth/me').catch(() => undefined)
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response
  try {
    res = await fetch(fullUrl(path), { credentials: 'include', ...init })
  } catch (cause) {
    if ((cause as { name?: string })?.name === 'AbortError') throw cause
    throw new ApiError(0, 'NETWORK_ERROR', (cause as Error)?.message || 'Network error')
  }
  if (!res.ok) {
    const err = await parseErrorResponse(res)
    if (res.status === 401) onUnauthorized()
    throw err
  }
  return res
}

/** POST a multipart form (a file and its fields); the answer is JSON. */
export async function postForm<T>(path: string, form: FormData, opts: { signal?: AbortSignal } = {}): Promise<T> {
  const res = await send(path, { method: 'POST', body: form, headers: { Accept: 'application/json' }, signal: opts.signal })
  const text = await res.text()
  if (!text) return undefined as T
  try {
    return JSON.parse(text) as T
  } catch {
    throw new ApiError(res.status, 'INVALID_RESPONSE', 'The server sent a response that is not JSON')
  }
}

/** Fetch a file and hand it to the browser as a download (errors are thrown as ApiError, not saved as a file). */
export async function downloadFile(path: string, fallbackName: string): Promise<string> {
  const res = await send(path, { method: 'GET' })
  const blob = await res.blob()
  const name = filenameFromDisposition(res.headers.get('Content-Disposition')) ?? fallbackName
  const url = URL.createObjectURL(blob)
  try {
    const a = document.createElement('a')
    a.href = url
    a.download = name
    a.style.display = 'none'
    document.body.appendChild(a)
    a.click()
    a.remove()
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
  return name
}
