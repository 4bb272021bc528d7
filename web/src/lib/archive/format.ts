/** Display helpers of the archive screens (pure: the locale comes in as an argument). */

/** `512 B`, `12.3 KB`, `4.0 MB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—'
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

const pad = (n: number) => String(n).padStart(2, '0')
/** `2026-11-22 09:05` in the browser's time zone ('—' for nothing or garbage). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10)
}

/** A history value (old or new) as text: null → '—', lists joined, objects as `key: value`. */
export function formatHistoryValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'boolean') return v ? '✓' : '✗'
  if (Array.isArray(v)) return v.length ? v.map(formatHistoryValue).join('、') : '—'
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined && x !== '')
    return entries.length ? entries.map(([k, x]) => `${k}: ${formatHistoryValue(x)}`).join('，') : '—'
  }
  return String(v)
}

/** i18n-safe key of a free-form kind (`archive.change` → `archive_change`). */
export const kindKey = (kind: string) => kind.replace(/[^A-Za-z0-9_]/g, '_')

/** `30.123456, 120.654321` or '—'. */
export function formatCoords(lat: number | null | undefined, lng: number | null | undefined): string {
  if (lat === null || lat === undefined || lng === null || lng === undefined) return '—'
  return `${lat.toFixed(6)}, ${lng.toFixed(6)}`
}

/** `嵊州市 / 石璜镇 / 雅璜村委会`. */
export const formatRegionPath = (path: readonly { name: string }[]) => path.map((r) => r.name).join(' / ')

/** A file name from a Content-Disposition header (RFC 5987 `filename*` first), or null. */
export function filenameFromDisposition(header: string | null | undefined): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header)
  if (plain) return (plain[2] ?? plain[1]).trim() || null
  return null
}
