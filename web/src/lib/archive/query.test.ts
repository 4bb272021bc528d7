// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { ageRangeReversed, emptyHouseholdFilters, emptyPersonFilters, enterpriseParams, householdParams, personParams, placeParams, toQueryString, withQuery } from './query.ts'

describe('toQueryString', () => {
  it('drops empty values and repeats arrays', () => {
    expect(toQueryString({ a: '', b: null, c: undefined, d: 0, e: false, tag: ['x', 'y'], none: [] })).toBe('d=0&e=false&tag=x&tag=y')
  })
  it('encodes Chinese text', () => {
    expect(toQueryString({ q: '雅璜' })).toBe('q=%E9%9B%85%E7%92%9C')
  })
  it('withQuery leaves a bare path alone and appends to an existing query', () => {
    expect(withQuery('/households', {})).toBe('/households')
    expect(withQuery('/households', { q: 'a' })).toBe('/households?q=a')
    expect(withQuery('/x?format=csv', { q: 'a' })).toBe('/x?format=csv&q=a')
  })
})

describe('householdParams', () => {
  it('sends only what is set, with the page', () => {
    expect(toQueryString(householdParams(emptyHouseholdFilters(), { limit: 20, offset: 40 }))).toBe('limit=20&offset=40')
    const qs = toQueryString(householdParams({ regionCode: '330683105212', tags: ['dibao', 'yilao_yixiao'], q: '  王 ' }))
    expect(qs).toBe('regionCode=330683105212&tag=dibao&tag=yilao_yixiao&q=%E7%8E%8B')
  })
})

describe('personParams', () => {
  it('expresses "独居老人 in 石璜镇 whose children are not in the same city"', () => {
    const f = { ...emptyPersonFilters(), regionCode: '330683105', tags: ['alone_elderly'], childrenInCity: 'no' as const }
    expect(toQueryString(personParams(f, { limit: 20, offset: 0 }))).toBe('regionCode=330683105&tag=alone_elderly&childrenInCity=false&limit=20&offset=0')
  })
  it('maps the tri-state, normalises the ID number and clamps ages', () => {
    const p = personParams({ ...emptyPersonFilters(), childrenInCity: 'yes', idNumber: ' 33068319900101123x ', ageMin: 60.7, ageMax: 200 })
    expect(p).toMatchObject({ childrenInCity: true, idNumber: '33068319900101123X', ageMin: 60, ageMax: 150 })
    expect(personParams(emptyPersonFilters()).childrenInCity).toBeUndefined()
  })
  it('turns a reversed age range round', () => {
    const f = { ...emptyPersonFilters(), ageMin: 80, ageMax: 60 }
    expect(ageRangeReversed(f)).toBe(true)
    expect(personParams(f)).toMatchObject({ ageMin: 60, ageMax: 80 })
    expect(ageRangeReversed({ ageMin: 60, ageMax: null })).toBe(false)
  })
})

describe('enterprise / place params', () => {
  it('trim and drop empties', () => {
    expect(enterpriseParams({ regionCode: null, q: ' 织造 ' })).toEqual({ regionCode: undefined, q: '织造', creditCode: undefined })
    expect(enterpriseParams({ regionCode: null, q: '91330683ma2d12345x' })).toMatchObject({ q: undefined, creditCode: '91330683MA2D12345X' })
    expect(toQueryString(placeParams({ regionCode: '330683105', kind: '', q: '' }, { limit: 10, offset: 0 }))).toBe('regionCode=330683105&limit=10&offset=0')
  })
})
