/**
 * The cockpit map's raster tile source (MAP_TILE_URL …). None by default: the map then draws the case points on a
 * plain background, so a county without a tile contract (or offline) still sees where its cases are.
 *
 * 天地图 example (its browser key travels in the URL, as 天地图 intends for web maps):
 *   MAP_TILE_URL=https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY
 *   MAP_TILE_SUBDOMAINS=01234567
 *   MAP_TILE_LABEL_URL=…cva_w… (the annotation layer drawn over it, optional)
 *   MAP_TILE_ATTRIBUTION=天地图
 */
export interface MapTiles {
  /** Leaflet URL template: {s} subdomain, {z}/{x}/{y}. */
  url: string
  /** A second layer drawn on top (天地图's place-name annotations), optional. */
  labelUrl: string | null
  subdomains: string
  attribution: string
  maxZoom: number
}

function tileUrl(name: string, raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null
  const value = raw.trim()
  let parsed: URL
  try {
    parsed = new URL(value.replaceAll('{s}', 'a'))
  } catch {
    throw new Error(`${name} must be an http(s) URL template, got "${raw}"`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`${name} must be an http(s) URL template, got "${raw}"`)
  if (!value.includes('{z}') || !value.includes('{x}') || !value.includes('{y}')) throw new Error(`${name} must hold {z}, {x} and {y}, got "${raw}"`)
  return value
}

export function mapTilesFromEnv(env: NodeJS.ProcessEnv): MapTiles | undefined {
  const url = tileUrl('MAP_TILE_URL', env.MAP_TILE_URL)
  if (!url) return undefined
  const maxZoom = env.MAP_TILE_MAX_ZOOM ? Number(env.MAP_TILE_MAX_ZOOM) : 18
  if (!Number.isInteger(maxZoom) || maxZoom < 1 || maxZoom > 22) throw new Error(`MAP_TILE_MAX_ZOOM must be an integer 1–22, got "${env.MAP_TILE_MAX_ZOOM}"`)
  return {
    url,
    labelUrl: tileUrl('MAP_TILE_LABEL_URL', env.MAP_TILE_LABEL_URL),
    subdomains: env.MAP_TILE_SUBDOMAINS?.trim() || 'abc',
    attribution: env.MAP_TILE_ATTRIBUTION?.trim() || '',
    maxZoom,
  }
}

/**
 * The origins the page loads tiles from, for the Content-Security-Policy's img-src: `{s}` in the host becomes a
 * wildcard label (`https://t{s}.tianditu.gov.cn` → `https://*.tianditu.gov.cn`).
 */
export function tileOrigins(tiles: MapTiles | undefined): string[] {
  if (!tiles) return []
  const out = new Set<string>()
  for (const template of [tiles.url, tiles.labelUrl]) {
    if (!template) continue
    const m = /^(https?):\/\/([^/?#]+)/.exec(template)
    if (!m) continue
    const host = m[2].includes('{s}') ? m[2].replace(/^[^.]*\{s\}[^.]*\./, '*.') : m[2]
    out.add(`${m[1]}://${host}`)
  }
  return [...out]
}
