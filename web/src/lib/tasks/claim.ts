/** What a failed 抢单 says to the volunteer (the server's codes: TASK_FULL, ALREADY_CLAIMED, TASK_STARTED, TASK_CANCELLED, 403). */
import { isApiError } from '../../api/client.ts'

export function claimErrorKey(err: unknown): string | null {
  if (!isApiError(err)) return null
  const code = err.code.toLowerCase()
  if (code === 'task_full') return 'tasks.full'
  if (code === 'already_claimed') return 'tasks.alreadyClaimed'
  if (code === 'task_started') return 'tasks.started'
  if (code === 'task_cancelled') return 'tasks.cancelled'
  if (err.status === 403) return 'tasks.outOfScope'
  return null
}

/** Asia/Shanghai "MM-DD HH:mm – HH:mm" (or with the end's date when it differs). */
export function formatWindow(startsAt: string, endsAt: string): string {
  const fmt = (iso: string) =>
    new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso)).replace(/\//g, '-')
  const a = fmt(startsAt)
  const b = fmt(endsAt)
  return a.slice(0, 5) === b.slice(0, 5) ? `${a} – ${b.slice(6)}` : `${a} – ${b}`
}

/** The browser's position if the user allows it (2.5 s at most); nothing otherwise. */
export function currentPlace(timeoutMs = 2500): Promise<{ lat?: number; lng?: number }> {
  if (typeof navigator === 'undefined' || !navigator.geolocation) return Promise.resolve({})
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({}), timeoutMs)
    navigator.geolocation.getCurrentPosition(
      (p) => {
        clearTimeout(timer)
        resolve({ lat: p.coords.latitude, lng: p.coords.longitude })
      },
      () => {
        clearTimeout(timer)
        resolve({})
      },
      { timeout: timeoutMs, maximumAge: 60_000 },
    )
  })
}
