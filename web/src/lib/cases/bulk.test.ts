// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../api/client.ts'
import { runBulk, summarizeBulk } from './bulk.ts'

const items = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, label: `MQ-${id}` }))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('bulk dispatch', () => {
  it('runs every row, a few at a time, and keeps the rows’ order', async () => {
    let running = 0
    let peak = 0
    const results = await runBulk(
      items,
      async (id) => {
        running++
        peak = Math.max(peak, running)
        await sleep(id === 'a' ? 20 : 5)
        running--
        return id.toUpperCase()
      },
      2,
    )
    expect(peak).toBe(2)
    expect(results.map((r) => [r.id, r.ok, r.value])).toEqual([
      ['a', true, 'A'],
      ['b', true, 'B'],
      ['c', true, 'C'],
      ['d', true, 'D'],
      ['e', true, 'E'],
    ])
  })

  it('reports each refused row with its code, and never throws', async () => {
    const results = await runBulk(items, async (id) => {
      if (id === 'b') throw new ApiError(409, 'invalid_transition', '事项当前状态 dispatched 不能执行 dispatch')
      if (id === 'd') throw new ApiError(403, 'FORBIDDEN', '只有本级交办人可以执行此操作')
      if (id === 'e') throw new TypeError('Failed to fetch')
      return id
    })
    expect(results[1]).toEqual({ id: 'b', label: 'MQ-b', ok: false, code: 'invalid_transition', message: '事项当前状态 dispatched 不能执行 dispatch', status: 409 })
    expect(results[4]).toMatchObject({ ok: false, code: 'UNKNOWN', message: 'Failed to fetch' })
    const summary = summarizeBulk(results)
    expect(summary).toMatchObject({ total: 5, ok: 2, failed: 3, byCode: { invalid_transition: 1, FORBIDDEN: 1, UNKNOWN: 1 } })
    expect(summary.failures.map((f) => f.label)).toEqual(['MQ-b', 'MQ-d', 'MQ-e'])
  })

  it('sums up nothing as nothing', async () => {
    expect(await runBulk([], async () => 1)).toEqual([])
    expect(summarizeBulk([])).toEqual({ total: 0, ok: 0, failed: 0, byCode: {}, failures: [] })
  })
})
