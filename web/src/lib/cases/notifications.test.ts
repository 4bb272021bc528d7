// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { Notification } from '@minqing/common'
import { markedRead, mergeNotifications, notificationLink } from './notifications.ts'

const n = (id: string, minute: number, extra: Partial<Notification> = {}): Notification => ({
  id,
  kind: 'case.dispatch',
  title: `t${id}`,
  body: null,
  caseId: `case-${id}`,
  readAt: null,
  createdAt: `2026-10-09T02:${String(minute).padStart(2, '0')}:00.000Z`,
  ...extra,
})

describe('bell list', () => {
  it('merges pushed and polled notifications by id, newest first, and says which are new', () => {
    const current = [n('b', 2), n('a', 1)]
    const { items, fresh } = mergeNotifications(current, [n('c', 3), n('a', 1, { readAt: '2026-10-09T03:00:00.000Z' })])
    expect(items.map((x) => x.id)).toEqual(['c', 'b', 'a'])
    expect(items[2].readAt).not.toBeNull()
    expect(fresh.map((x) => x.id)).toEqual(['c'])
    expect(mergeNotifications(current, [n('d', 4)], 2).items.map((x) => x.id)).toEqual(['d', 'b'])
  })

  it('marks some or all read', () => {
    const list = [n('a', 1), n('b', 2), n('c', 3, { readAt: 'earlier' })]
    expect(markedRead(list, ['a'], 'now').map((x) => x.readAt)).toEqual(['now', null, 'earlier'])
    expect(markedRead(list, 'all', 'now').map((x) => x.readAt)).toEqual(['now', 'now', 'earlier'])
  })

  it('leads to the case', () => {
    expect(notificationLink(n('a', 1))).toBe('/console/cases/case-a')
    expect(notificationLink(n('a', 1), 'mobile')).toBe('/m/cases/case-a')
    expect(notificationLink(n('a', 1, { caseId: null }))).toBeNull()
  })

  it('opens a weekly report notice at its report, and never at a path other text in the body names', () => {
    const weekly = (body: string) => n('w', 1, { kind: 'report.weekly', caseId: null, body })
    expect(notificationLink(weekly('本周新收 3 件。/console/reports/weekly?regionCode=330683105&week=2026-W47'))).toBe('/console/reports/weekly?regionCode=330683105&week=2026-W47')
    expect(notificationLink(weekly('https://evil.example/x'))).toBe('/console/reports/weekly')
    expect(notificationLink(weekly('/console/reports/weekly?regionCode=330683105&week=2026-W47'), 'mobile')).toBeNull()
  })
})
