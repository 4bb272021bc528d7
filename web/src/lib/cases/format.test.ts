// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { dueInfo, eventActorKey, eventFacts, formatDuration, levelOfRegionCode, phoneText, ratingHistory, splitDuration } from './format.ts'

const NOW = Date.parse('2026-10-09T10:00:00+08:00')
const H = 3600_000
const at = (ms: number) => new Date(NOW + ms).toISOString()
const open = { state: 'accepted' as const, dueAt: at(50 * H), warnAt: at(20 * H), warned: false, overdue: false, paused: false }

describe('due times', () => {
  it('says how a case stands against its due time', () => {
    expect(dueInfo(open, NOW)).toEqual({ kind: 'normal', dueAt: open.dueAt, remainingMs: 50 * H })
    // past the warning time (the job has not run yet) or marked by the job
    expect(dueInfo({ ...open, warnAt: at(-H) }, NOW).kind).toBe('warning')
    expect(dueInfo({ ...open, warned: true }, NOW).kind).toBe('warning')
    // past the due time, or marked overdue
    expect(dueInfo({ ...open, dueAt: at(-2 * H) }, NOW)).toMatchObject({ kind: 'overdue', remainingMs: -2 * H })
    expect(dueInfo({ ...open, overdue: true }, NOW).kind).toBe('overdue')
    // the clock stands still while an extension or a return is pending
    expect(dueInfo({ ...open, state: 'extension_requested', paused: true, dueAt: at(-H) }, NOW).kind).toBe('paused')
    // no clock yet (new, escalated), finished cases
    expect(dueInfo({ ...open, state: 'new', dueAt: null, warnAt: null }, NOW)).toEqual({ kind: 'none', dueAt: null, remainingMs: null })
    for (const state of ['replied', 'closed', 'rejected', 'merged'] as const) expect(dueInfo({ ...open, state, overdue: true }, NOW).kind).toBe('done')
  })

  it('formats a remaining time with its two largest units', () => {
    expect(splitDuration(2 * 24 * H + 3 * H + 59_999)).toEqual({ days: 2, hours: 3, minutes: 0 })
    expect(splitDuration(-(5 * H + 12 * 60_000))).toEqual({ days: 0, hours: 5, minutes: 12 })
    expect(formatDuration(2 * 24 * H + 3 * H + 20 * 60_000, 'zh-CN')).toBe('2天3小时')
    expect(formatDuration(3 * 24 * H, 'zh-CN')).toBe('3天')
    expect(formatDuration(5 * H + 12 * 60_000, 'zh-CN')).toBe('5小时12分')
    expect(formatDuration(5 * H, 'zh-CN')).toBe('5小时')
    expect(formatDuration(8 * 60_000, 'zh-CN')).toBe('8分钟')
    expect(formatDuration(-(26 * H), 'zh-CN')).toBe('1天2小时')
    expect(formatDuration(2 * 24 * H + 3 * H, 'en')).toBe('2d 3h')
    expect(formatDuration(5 * H + 12 * 60_000, 'en')).toBe('5h 12m')
    expect(formatDuration(30_000, 'en')).toBe('0m')
  })
})

describe('timeline facts', () => {
  it('names the unit, level, due time and override of a dispatch', () => {
    const facts = eventFacts({ action: 'dispatch', data: { unitId: 'u', unitName: '石璜镇人民政府', level: 'village', dueAt: '2026-10-13T02:00:00.000Z', override: true, suggestedUnitId: 'x' } })
    expect(facts.map((f) => f.key)).toEqual(['unit', 'level', 'dueAt', 'override'])
    expect(facts[0]).toEqual({ key: 'unit', value: '石璜镇人民政府' })
    expect(facts[1]).toEqual({ key: 'level', value: 'village', tKey: 'cases.level.village' })
    expect(facts[2].value).toMatch(/^2026-10-13 \d\d:00$/)
    expect(facts[3].tKey).toBe('cases.fact.overrideYes')
    // no override recorded: nothing said
    expect(eventFacts({ action: 'dispatch', data: { unitName: 'x', override: false } }).map((f) => f.key)).toEqual(['unit'])
  })

  it('names ratings, card levels, escalations, extensions, rejections and merges', () => {
    expect(eventFacts({ action: 'rate', data: { rating: 'unsatisfied' } })).toEqual([{ key: 'rating', value: 'unsatisfied', tKey: 'cases.rating.unsatisfied' }])
    expect(eventFacts({ action: 'supervise', data: { level: 'red' } })).toEqual([{ key: 'supervision', value: 'red', tKey: 'cases.supervision.red' }])
    expect(eventFacts({ action: 'escalate', data: { fromLevel: 'town', toLevel: 'county' } }).map((f) => [f.key, f.value])).toEqual([
      ['fromLevel', 'town'],
      ['toLevel', 'county'],
    ])
    expect(eventFacts({ action: 'reopen', data: { level: 'town', escalated: true } }).map((f) => f.key)).toEqual(['level', 'escalated'])
    expect(eventFacts({ action: 'extend', data: { days: 3 } })).toEqual([{ key: 'days', value: '3' }])
    expect(eventFacts({ action: 'approve_extension', data: { approved: false, days: 3 } }).map((f) => [f.key, f.tKey ?? f.value])).toEqual([
      ['days', '3'],
      ['approved', 'cases.fact.approvedNo'],
    ])
    expect(eventFacts({ action: 'reject', data: { kind: 'spam' } })[0]).toMatchObject({ key: 'rejectKind', tKey: 'cases.rejectKind.spam' })
    expect(eventFacts({ action: 'merge', data: { intoCaseId: 'x', intoNumber: 'MQ-20261009-0001' } })).toEqual([{ key: 'mergedInto', value: 'MQ-20261009-0001' }])
    expect(eventFacts({ action: 'merged_from', data: { caseId: 'x', number: 'MQ-20261009-0002' } })).toEqual([{ key: 'relatedCase', value: 'MQ-20261009-0002' }])
    expect(eventFacts({ action: 'return', data: { unitName: '综合执法中队' } })).toEqual([{ key: 'returnedBy', value: '综合执法中队' }])
    expect(eventFacts({ action: 'transfer', data: { fromUnitName: 'A', unitName: 'B' } }).map((f) => f.key)).toEqual(['fromUnit', 'unit'])
    expect(eventFacts({ action: 'create', data: { channel: 'hotline', number: 'MQ' } })).toEqual([{ key: 'channel', value: 'hotline', tKey: 'cases.channel.hotline' }])
    expect(eventFacts({ action: 'urge', data: {} })).toEqual([])
  })
})

describe('small helpers', () => {
  it('reads the level of a 嵊州 region code', () => {
    expect(levelOfRegionCode('330683')).toBe('county')
    expect(levelOfRegionCode('330683105')).toBe('town')
    expect(levelOfRegionCode('330683105212')).toBe('village')
    expect(levelOfRegionCode('330683105212001')).toBe('grid')
    expect(levelOfRegionCode('abc')).toBeNull()
  })
  it('shows a masked phone or a dash', () => {
    expect(phoneText('138****0003')).toBe('138****0003')
    expect(phoneText(null)).toBe('—')
    expect(phoneText(' ')).toBe('—')
  })
})

describe('eventActorKey', () => {
  it('names the user, the resident behind a tracking code, a connected system, or the system', () => {
    expect(eventActorKey({ actor: { id: 'u', name: '周海燕' }, data: {} })).toEqual({ name: '周海燕' })
    expect(eventActorKey({ actor: null, data: { via: 'tracking_code' } })).toBe('resident')
    expect(eventActorKey({ actor: null, data: { via: 'FixMyStreet 嵊州' } })).toEqual({ name: 'FixMyStreet 嵊州' })
    expect(eventActorKey({ actor: null, data: {} })).toBe('system')
  })
})

describe('ratingHistory', () => {
  const ev = (action: string, data: Record<string, unknown>, extra: { note?: string | null; toState?: string | null; at?: string } = {}) => ({
    action,
    data,
    note: extra.note ?? null,
    at: extra.at ?? '2026-12-07T02:00:00.000Z',
    toState: (extra.toState ?? null) as never,
  })

  it('lists every rating from the timeline, oldest first, with what it did', () => {
    const events = [
      ev('create', { channel: 'qr' }),
      ev('rate', { rating: 'unsatisfied', reopenCount: 1, via: 'tracking_code' }, { note: '没修好', toState: 'reopened', at: '2026-12-07T02:00:00.000Z' }),
      ev('reply', {}, { note: '已更换' }),
      ev('callback', { outcome: 'rated', rating: 'satisfied' }),
      ev('rate', { rating: 'satisfied', via: 'callback' }, { toState: 'closed', at: '2026-12-08T02:00:00.000Z' }),
    ]
    expect(ratingHistory(events)).toEqual([
      { rating: 'unsatisfied', comment: '没修好', at: '2026-12-07T02:00:00.000Z', viaCall: false, reopened: true },
      { rating: 'satisfied', comment: null, at: '2026-12-08T02:00:00.000Z', viaCall: true, reopened: false },
    ])
  })

  it('is empty without ratings, and ignores a rate row without one', () => {
    expect(ratingHistory([ev('reply', {}), ev('rate', {})])).toEqual([])
  })
})
