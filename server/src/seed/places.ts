import { prng } from './activity.ts'

/**
 * Approximate centres of 嵊州市's 15 towns and streets (WGS-84, by code). Estimated from general knowledge of the
 * county's map — the city on the 剡溪 at about 29.59°N 120.82°E, 三界 and 仙岩 to the north, 金庭 and 黄泽 to the east,
 * 下王 to the south-east, 长乐 and 贵门 to the south, 谷来 and 崇仁 to the west — not surveyed: good to a few km,
 * enough for the demo's cases to sit around their own town on the cockpit map.
 */
export const TOWN_CENTRES: Readonly<Record<string, { name: string; lat: number; lng: number }>> = {
  '330683001': { name: '剡湖街道', lat: 29.598, lng: 120.812 },
  '330683002': { name: '三江街道', lat: 29.572, lng: 120.84 },
  '330683003': { name: '鹿山街道', lat: 29.61, lng: 120.852 },
  '330683005': { name: '浦口街道', lat: 29.552, lng: 120.79 },
  '330683100': { name: '甘霖镇', lat: 29.525, lng: 120.735 },
  '330683101': { name: '长乐镇', lat: 29.468, lng: 120.675 },
  '330683102': { name: '崇仁镇', lat: 29.575, lng: 120.695 },
  '330683103': { name: '黄泽镇', lat: 29.55, lng: 120.95 },
  '330683104': { name: '三界镇', lat: 29.715, lng: 120.86 },
  '330683105': { name: '石璜镇', lat: 29.655, lng: 120.745 },
  '330683106': { name: '谷来镇', lat: 29.64, lng: 120.585 },
  '330683107': { name: '仙岩镇', lat: 29.675, lng: 120.915 },
  '330683108': { name: '金庭镇', lat: 29.625, lng: 121.0 },
  '330683110': { name: '下王镇', lat: 29.49, lng: 120.975 },
  '330683200': { name: '贵门乡', lat: 29.435, lng: 120.77 },
}

const COUNTY_CENTRE = { lat: 29.59, lng: 120.82 }

/**
 * A village's stable point: its town's centre plus an offset drawn from its own code (streets are compact, towns
 * spread wider). A village of a county without a table (an imported one) falls back to a square around 嵊州.
 */
export function villagePlace(code: string): { lat: number; lng: number } {
  let h = 0
  for (const ch of code) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0
  const r = prng(h)
  const town = TOWN_CENTRES[code.slice(0, 9)]
  if (!town) return { lat: COUNTY_CENTRE.lat + (r() - 0.5) * 0.32, lng: COUNTY_CENTRE.lng + (r() - 0.5) * 0.32 * 1.2 }
  // Street codes are 0xx (街道), town codes 1xx–2xx (镇、乡).
  const spread = code[6] === '0' ? 0.03 : 0.07
  // 1° of longitude is ~0.87 of a degree of latitude here: scale so the spread is round on the ground.
  return { lat: town.lat + (r() - 0.5) * spread, lng: town.lng + (r() - 0.5) * spread * 1.15 }
}
