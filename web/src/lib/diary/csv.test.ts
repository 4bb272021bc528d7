// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { DiaryEntry } from '@minqing/common'
import { BOM, csvCell, entriesToCsv } from './csv.ts'

const entry = (over: Partial<DiaryEntry> = {}): DiaryEntry =>
  ({
    id: 'e1',
    clientId: 'c1',
    kind: 'village',
    author: { id: 'u1', name: '俞建明' },
    regionCode: '330683105212',
    regionName: '雅璜村',
    household: { id: 'h1', address: '雅璜村 12 号' },
    person: null,
    enterprise: null,
    occurredAt: '2026-11-20T01:30:00.000Z',
    text: '屋顶漏水，"急"',
    mood: 'anxious',
    urgency: 'urgent',
    lat: null,
    lng: null,
    locationSource: 'household',
    concerns: [
      { id: 'c1', text: '修屋顶', caseId: null },
      { id: 'c2', text: '低保', caseId: null },
    ],
    photos: [{ id: 'p1', url: '/api/diary/photos/p1', size: 1, contentType: 'image/jpeg' }],
    comments: [],
    review: 'reviewed',
    reviewedBy: { id: 'u2', name: '周海燕' },
    createdAt: '2026-11-20T01:31:00.000Z',
    ...over,
  }) as DiaryEntry

const labels = {
  headers: ['时间', '类型', '作者', '区域', '对象', '人员', '内容', '情绪', '紧急', '诉求', '照片', '评论', '审阅', '审阅人'],
  kind: (k: string) => ({ village: '民情日记' })[k] ?? k,
  mood: (m: string | null) => (m === 'anxious' ? '焦虑' : ''),
  urgency: (u: string) => (u === 'urgent' ? '紧急' : '一般'),
  review: (r: string) => (r === 'reviewed' ? '已阅' : '未审阅'),
}

describe('CSV export', () => {
  it('starts with a BOM, one header line and a line per entry, CRLF', () => {
    const csv = entriesToCsv([entry(), entry({ id: 'e2', text: 'plain', household: null, enterprise: { id: 'x', name: '某企业' }, mood: null, concerns: [] })], labels)
    expect(csv.startsWith(BOM)).toBe(true)
    const lines = csv.slice(1).split('\r\n')
    expect(lines).toHaveLength(4)
    expect(lines[3]).toBe('')
    expect(lines[0]).toBe(labels.headers.join(','))
    expect(lines[1]).toContain('民情日记,俞建明,雅璜村,雅璜村 12 号,,"屋顶漏水，""急""",焦虑,紧急,修屋顶；低保,1,0,已阅,周海燕')
    expect(lines[2]).toContain(',某企业,,plain,,紧急,,1,0,')
  })
  it('quotes commas, quotes and line breaks; defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('a\nb')).toBe('"a\nb"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvCell('+86 138')).toBe("'+86 138")
    expect(csvCell(null)).toBe('')
    expect(csvCell(3)).toBe('3')
  })
})
