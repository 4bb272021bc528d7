// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { toQueryString } from '../archive/query.ts'
import { collectPages, dayStartCN, diaryParams, emptyDiaryFilters, nextDay } from './query.ts'

describe('diaryParams (console filters → GET /api/diary)', () => {
  it('nothing set: nothing sent but the paging', () => {
    expect(toQueryString(diaryParams(emptyDiaryFilters(), { limit: 20 }))).toBe('limit=20')
  })
  it('sends every filter that is set', () => {
    const p = diaryParams({ regionCode: '330683105212', kind: 'village', authorId: 'a1', review: 'good_example', q: '  屋顶漏水 ', range: ['2026-11-01', '2026-11-30'] }, { before: 'e9', limit: 20 })
    expect(p).toEqual({
      regionCode: '330683105212',
      kind: 'village',
      authorId: 'a1',
      review: 'good_example',
      q: '屋顶漏水',
      from: '2026-10-31T16:00:00.000Z',
      to: '2026-11-30T16:00:00.000Z',
      before: 'e9',
      limit: 20,
    })
  })
  it('a date range is whole days in China time, the end day included (the server’s `to` is exclusive)', () => {
    const p = diaryParams({ ...emptyDiaryFilters(), range: ['2026-12-31', '2026-12-31'] })
    expect(p.from).toBe('2026-12-30T16:00:00.000Z')
    expect(p.to).toBe('2026-12-31T16:00:00.000Z')
  })
  it('a range picked backwards means the same range; garbage is ignored', () => {
    expect(diaryParams({ ...emptyDiaryFilters(), range: ['2026-11-30', '2026-11-01'] })).toMatchObject({ from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' })
    expect(diaryParams({ ...emptyDiaryFilters(), range: ['x', '2026-11-01'] }).from).toBeUndefined()
  })
  it('text is cut to the server’s 40 characters; blank text is not sent', () => {
    expect(diaryParams({ ...emptyDiaryFilters(), q: 'a'.repeat(60) }).q).toBe('a'.repeat(40))
    expect(diaryParams({ ...emptyDiaryFilters(), q: '   ' }).q).toBeUndefined()
  })
  it('day helpers', () => {
    expect(dayStartCN('2026-01-01')).toBe('2025-12-31T16:00:00.000Z')
    expect(nextDay('2026-02-28')).toBe('2026-03-01')
    expect(nextDay('2028-02-28')).toBe('2028-02-29')
    expect(nextDay('2026-12-31')).toBe('2027-01-01')
  })
})

describe('collectPages (export)', () => {
  const pages = (n: number, size: number) => {
    const all = Array.from({ length: n }, (_, i) => `e${i}`)
    return vi.fn(async (before: string | null) => {
      const start = before ? all.indexOf(before) + 1 : 0
      const items = all.slice(start, start + size)
      return { items, nextBefore: start + size < n ? items[items.length - 1] : null }
    })
  }
  it('follows the cursor to the end', async () => {
    const fetch = pages(250, 100)
    expect(await collectPages(fetch, 5000)).toEqual({ items: Array.from({ length: 250 }, (_, i) => `e${i}`), capped: false })
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([null, 'e99', 'e199'])
  })
  it('stops at the cap and says there were more', async () => {
    const r = await collectPages(pages(250, 100), 150)
    expect(r.items).toHaveLength(150)
    expect(r.capped).toBe(true)
    expect((await collectPages(pages(200, 100), 200)).capped).toBe(false)
  })
})
