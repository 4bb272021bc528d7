// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import type { Case } from '@minqing/common'
import type { CaseListParams } from '../../api/cases.ts'
import { defaultQueue, isQueueTab, queueCounts, queueParams, queueTotal, queuesFor } from './queues.ts'

describe('work queues', () => {
  it('shows each role the queues that concern it', () => {
    expect(queuesFor(['town_handler'], 'console')).toEqual(['to_dispatch', 'to_approve', 'to_accept', 'in_progress', 'due_soon', 'overdue', 'to_rate', 'mine', 'all'])
    expect(queuesFor(['leader'], 'console')).toEqual(['to_dispatch', 'to_approve', 'to_accept', 'in_progress', 'due_soon', 'overdue', 'to_rate', 'supervised_by_me', 'mine', 'all'])
    // a stationed cadre neither dispatches nor supervises
    expect(queuesFor(['stationed_cadre'], 'console')).toEqual(['to_accept', 'in_progress', 'due_soon', 'overdue', 'to_rate', 'mine', 'all'])
    // on the phone: 我反映的 first, then the handler's queues
    expect(queuesFor(['stationed_cadre'], 'mobile')).toEqual(['mine', 'to_accept', 'in_progress'])
    expect(queuesFor(['volunteer'], 'mobile')).toEqual(['to_accept', 'in_progress'])
    // a village cadre approves extensions on the phone too (待审批)
    expect(queuesFor(['village_cadre'], 'mobile')).toEqual(['mine', 'to_approve', 'to_accept', 'in_progress'])
  })

  it('opens on 待交办 for dispatchers, 待受理 for the others, 我反映的 on the phone', () => {
    expect(defaultQueue(['town_handler'], 'console')).toBe('to_dispatch')
    expect(defaultQueue(['grid_worker'], 'console')).toBe('to_accept')
    expect(defaultQueue(['grid_worker'], 'mobile')).toBe('mine')
  })

  it('knows its tabs', () => {
    expect(isQueueTab('overdue')).toBe(true)
    expect(isQueueTab('all')).toBe(true)
    expect(isQueueTab('nope')).toBe(false)
    expect(isQueueTab(['overdue'])).toBe(false)
  })

  it('turns a tab and filters into the list request', () => {
    expect(queueParams('to_accept', { regionCode: '330683105', categoryCode: null, state: '', q: '  路灯 ' }, { limit: 20, offset: 40 })).toEqual({
      queue: 'to_accept',
      regionCode: '330683105',
      categoryCode: undefined,
      state: undefined,
      q: '路灯',
      limit: 20,
      offset: 40,
    })
    expect(queueParams('all', { state: 'closed', q: '' })).toMatchObject({ queue: undefined, state: 'closed', q: undefined })
    expect(queueParams('all', { q: 'x'.repeat(60) }).q).toHaveLength(40)
  })

  it('lets the pager go on in 待交办, whose server total is only the page’s length', () => {
    const items = (n: number) => Array.from({ length: n }, () => ({}) as Case)
    expect(queueTotal('to_accept', { items: items(20), total: 95 }, { limit: 20, offset: 0 })).toBe(95)
    expect(queueTotal('to_dispatch', { items: items(20), total: 20 }, { limit: 20, offset: 0 })).toBe(21)
    expect(queueTotal('to_dispatch', { items: items(20), total: 20 }, { limit: 20, offset: 40 })).toBe(61)
    expect(queueTotal('to_dispatch', { items: items(7), total: 7 }, { limit: 20, offset: 20 })).toBe(27)
    // once the server counts right, its total wins
    expect(queueTotal('to_dispatch', { items: items(20), total: 130 }, { limit: 20, offset: 0 })).toBe(130)
  })

  it('counts every tab with small requests; a failed count is null', async () => {
    const list = vi.fn(async (p: CaseListParams) => {
      if (p.queue === 'overdue') throw new Error('boom')
      if (p.queue === 'to_dispatch') return { items: Array.from({ length: 3 }, () => ({}) as Case), total: 3 }
      return { items: [], total: p.queue === 'to_accept' ? 12 : 0 }
    })
    const counts = await queueCounts(['to_dispatch', 'to_accept', 'overdue'], list)
    expect(counts).toEqual({ to_dispatch: 3, to_accept: 12, overdue: null })
    expect(list.mock.calls.map(([p]) => [p.queue, p.limit])).toEqual([
      ['to_dispatch', 200],
      ['to_accept', 1],
      ['overdue', 1],
    ])
  })
})
