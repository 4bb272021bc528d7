export interface LatLng {
  lat: number
  lng: number
}

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const R = 6_371_000
  const rad = (d: number) => (d * Math.PI) / 180
  const dLat = rad(b.lat - a.lat)
  const dLng = rad(b.lng - a.lng)
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** `80 m`, `1.2 km`, `15 km`. */
export function formatDistance(m: number): string {
  if (!Number.isFinite(m) || m < 0) return ''
  if (m < 1000) return `${Math.max(1, Math.round(m / 10) * 10)} m`
  if (m < 10_000) return `${(m / 1000).toFixed(1)} km`
  return `${Math.round(m / 1000)} km`
}

export type LocateFailure = 'unsupported' | 'denied' | 'unavailable' | 'timeout'

/** Where the device is, or why not (never throws anything else). */
export function locate(
  geolocation: Pick<Geolocation, 'getCurrentPosition'> | undefined = typeof navigator === 'undefined' ? undefined : navigator.geolocation,
  timeoutMs = 10_000,
): Promise<{ ok: true; position: LatLng } | { ok: false; reason: LocateFailure }> {
  if (!geolocation) return Promise.resolve({ ok: false, reason: 'unsupported' })
  return new Promise((resolve) => {
    try {
      geolocation.getCurrentPosition(
        (pos) => resolve({ ok: true, position: { lat: pos.coords.latitude, lng: pos.coords.longitude } }),
        (err) => resolve({ ok: false, reason: err?.code === 1 ? 'denied' : err?.code === 3 ? 'timeout' : 'unavailable' }),
        { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
      )
    } catch {
      resolve({ ok: false, reason: 'unavailable' })
    }
  })
}
