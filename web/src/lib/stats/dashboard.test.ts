import { describe, expect, it } from 'vitest'
import type { Compliance } from '@minqing/common'
import { hasVisitQuota, mayReadStats, myVisits, progressOf, todoQueues } from './dashboard.ts'

describe('todoQueues: each role its own work', () => {
  it('a town handler dispatches; no 全部 or 我反映的 among to-dos', () => {
    const q = todoQueues(['town_handler'], 'console')
    expect(q).toContain('to_dispatch')
    expect(q).toContain('to_accept')
    expect(q).toContain('overdue')
    expect(q).not.toContain('all')
    expect(q).not.toContain('mine')
  })
  it('a leader also sees what they supervise; a department handler does not dispatch', () => {
    expect(todoQueues(['leader'], 'console')).toContain('supervised_by_me')
    expect(todoQueues(['dept_handler'], 'console')).not.toContain('to_dispatch')
  })
  it('on the phone: the phone’s work tabs and the deadlines', () => {
    const q = todoQueues(['grid_worker'], 'mobile')
    expect(q).toEqual(expect.arrayContaining(['to_accept', 'in_progress', 'due_soon', 'overdue']))
    expect(q).not.toContain('mine')
  })
})

describe('todoQueues: who has none', () => {
  it('a volunteer has no case to-dos (no case screens)', () => {
    expect(todoQueues(['volunteer'], 'console')).toEqual([])
    expect(todoQueues(['volunteer'], 'mobile')).toEqual([])
  })
})

describe('visits against the quota', () => {
  const rules = [
    { role: 'stationed_cadre', active: true },
    { role: 'grid_worker', active: false },
  ]
  it('asks for compliance only when an active rule applies', () => {
    expect(hasVisitQuota(['stationed_cadre'], rules)).toBe(true)
    expect(hasVisitQuota(['grid_worker'], rules)).toBe(false)
    expect(hasVisitQuota(['leader'], rules)).toBe(false)
  })
  it('reads my own row of the month', () => {
    const c = {
      period: '2026-12',
      regionCode: '330683105212',
      cadres: [
        {
          userId: 'me',
          name: '我',
          roles: ['stationed_cadre'],
          regionCode: 'x',
          regionName: 'x',
          behind: true,
          rules: [{ ruleId: 1, description: '每月走访 8% 农户', measure: 'households', period: 'month', periodStart: '', periodEnd: '', done: 3, required: 8, met: false }],
        },
        { userId: 'other', name: '他', roles: ['stationed_cadre'], regionCode: 'x', regionName: 'x', behind: false, rules: [] },
      ],
      villages: [],
    } as Compliance
    expect(myVisits(c, 'me')).toEqual({ behind: true, lines: [{ description: '每月走访 8% 农户', done: 3, required: 8, met: false }] })
    expect(myVisits(c, 'other')).toBeNull()
    expect(myVisits(c, 'nobody')).toBeNull()
    expect(myVisits(null, 'me')).toBeNull()
  })
  it('progress is capped at 100 and a zero quota is met', () => {
    expect(progressOf(3, 8)).toBe(38)
    expect(progressOf(12, 8)).toBe(100)
    expect(progressOf(0, 0)).toBe(100)
  })
})

describe('who sees the area’s figures', () => {
  it('staff with stats.read; not volunteers', () => {
    expect(mayReadStats(['town_handler'])).toBe(true)
    expect(mayReadStats(['village_cadre'])).toBe(true)
    expect(mayReadStats(['volunteer'])).toBe(false)
  })
})
