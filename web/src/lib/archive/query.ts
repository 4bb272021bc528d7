import { normaliseIdNumber } from '@minqing/common'

/**
 * Query strings of the archive lists. `tag` may be several values: they are sent as repeated parameters
 * (`tag=a&tag=b`), which the shared `buildUrl` (scalars only) cannot do.
 */
export type ParamValue = string | number | boolean | null | undefined | readonly (string | number)[]
export type Params = Record<string, ParamValue>

/** `a=1&tag=x&tag=y`: empty strings, null, undefined and empty arrays left out. */
export function toQueryString(params: Params): string {
  const out = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value)) {
      for (const v of value) if (v !== '' && v !== null && v !== undefined) out.append(key, String(v))
    } else {
      out.append(key, String(value))
    }
  }
  return out.toString()
}

/** `path?query` (or just `path` when nothing is set). */
export function withQuery(path: string, params: Params): string {
  const qs = toQueryString(params)
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path
}

export interface PageRange {
  limit: number
  offset: number
}

// ---- households ---------------------------------------------------------------
export interface HouseholdFilters {
  regionCode: string | null
  /** Tag codes; a household must carry all of them. */
  tags: string[]
  /** Address or head's name. */
  q: string
}
export const emptyHouseholdFilters = (): HouseholdFilters => ({ regionCode: null, tags: [], q: '' })

export function householdParams(f: HouseholdFilters, page?: PageRange): Params {
  return {
    regionCode: f.regionCode || undefined,
    tag: f.tags.length ? [...f.tags] : undefined,
    q: f.q.trim() || undefined,
    ...(page ?? {}),
  }
}

// ---- persons ---------------------------------------------------------------------
export type TriState = 'any' | 'yes' | 'no'
export interface PersonFilters {
  regionCode: string | null
  tags: string[]
  /** Name, phone tail… whatever the server's `q` matches. */
  q: string
  /** An exact ID number (found by its keyed hash on the server). */
  idNumber: string
  childrenInCity: TriState
  ageMin: number | null
  ageMax: number | null
}
export const emptyPersonFilters = (): PersonFilters => ({
  regionCode: null,
  tags: [],
  q: '',
  idNumber: '',
  childrenInCity: 'any',
  ageMin: null,
  ageMax: null,
})

const triToBool = (v: TriState): boolean | undefined => (v === 'yes' ? true : v === 'no' ? false : undefined)
const age = (v: number | null): number | undefined => (v === null || v === undefined || !Number.isFinite(v) ? undefined : Math.max(0, Math.min(150, Math.trunc(v))))

export function personParams(f: PersonFilters, page?: PageRange): Params {
  let ageMin = age(f.ageMin)
  let ageMax = age(f.ageMax)
  // A range typed the wrong way round still means the same range.
  if (ageMin !== undefined && ageMax !== undefined && ageMin > ageMax) [ageMin, ageMax] = [ageMax, ageMin]
  const idNumber = normaliseIdNumber(f.idNumber)
  return {
    regionCode: f.regionCode || undefined,
    tag: f.tags.length ? [...f.tags] : undefined,
    q: f.q.trim() || undefined,
    idNumber: idNumber || undefined,
    childrenInCity: triToBool(f.childrenInCity),
    ageMin,
    ageMax,
    ...(page ?? {}),
  }
}

/** The age filter typed with the upper bound below the lower one. */
export function ageRangeReversed(f: Pick<PersonFilters, 'ageMin' | 'ageMax'>): boolean {
  return f.ageMin !== null && f.ageMax !== null && f.ageMin > f.ageMax
}

// ---- enterprises / places ------------------------------------------------------
export interface EnterpriseFilters {
  regionCode: string | null
  q: string
}
/** The text box takes a name or a whole credit code; a credit code is searched exactly. */
export function enterpriseParams(f: EnterpriseFilters, page?: PageRange): Params {
  const text = f.q.trim()
  const code = text.replace(/\s+/g, '').toUpperCase()
  const isCode = /^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)
  return { regionCode: f.regionCode || undefined, q: isCode ? undefined : text || undefined, creditCode: isCode ? code : undefined, ...(page ?? {}) }
}
export interface PlaceFilters {
  regionCode: string | null
  kind: string
  q: string
}
export function placeParams(f: PlaceFilters, page?: PageRange): Params {
  return { regionCode: f.regionCode || undefined, kind: f.kind || undefined, q: f.q.trim() || undefined, ...(page ?? {}) }
}
