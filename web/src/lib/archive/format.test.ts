// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { filenameFromDisposition, formatBytes, formatCoords, formatDate, formatDateTime, formatHistoryValue, formatRegionPath, kindKey } from './format.ts'

describe('format', () => {
  it('bytes', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(12_600)).toBe('12.3 KB')
    expect(formatBytes(4 * 1024 * 1024)).toBe('4.0 MB')
    expect(formatBytes(-1)).toBe('—')
  })
  it('date and time in local time', () => {
    const d = new Date(2026, 10, 22, 9, 5)
    expect(formatDateTime(d.toISOString())).toBe('2026-11-22 09:05')
    expect(formatDate(d.toISOString())).toBe('2026-11-22')
    expect(formatDateTime(null)).toBe('—')
    expect(formatDateTime('garbage')).toBe('—')
  })
  it('history values', () => {
    expect(formatHistoryValue(null)).toBe('—')
    expect(formatHistoryValue('')).toBe('—')
    expect(formatHistoryValue(['低保户', '一老一小'])).toBe('低保户、一老一小')
    expect(formatHistoryValue([])).toBe('—')
    expect(formatHistoryValue(true)).toBe('✓')
    expect(formatHistoryValue({ floors: 2, type: '砖混', x: null })).toBe('floors: 2，type: 砖混')
    expect(formatHistoryValue(3)).toBe('3')
  })
  it('kind keys, coordinates, region paths', () => {
    expect(kindKey('archive.change')).toBe('archive_change')
    expect(formatCoords(29.5, 120.123456789)).toBe('29.500000, 120.123457')
    expect(formatCoords(null, 1)).toBe('—')
    expect(formatRegionPath([{ name: '嵊州市' }, { name: '石璜镇' }])).toBe('嵊州市 / 石璜镇')
  })
  it('file names from Content-Disposition', () => {
    expect(filenameFromDisposition(`attachment; filename="households.xlsx"; filename*=UTF-8''%E6%88%B7%E7%B1%8D.xlsx`)).toBe('户籍.xlsx')
    expect(filenameFromDisposition('attachment; filename="a b.csv"')).toBe('a b.csv')
    expect(filenameFromDisposition('attachment; filename=plain.pdf')).toBe('plain.pdf')
    expect(filenameFromDisposition('inline')).toBeNull()
    expect(filenameFromDisposition(null)).toBeNull()
  })
})
