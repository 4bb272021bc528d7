import { describe, expect, it } from 'vitest'
import { belowRoot, regionPathLabel } from './regionPath.ts'

const path = [
  { code: '330683', name: '嵊州市' },
  { code: '330683105', name: '石璜镇' },
  { code: '330683105212', name: '雅璜村' },
  { code: '330683105212001', name: '第一网格' },
]

describe('regionPathLabel', () => {
  it('shows the path from the viewer’s own level down', () => {
    expect(regionPathLabel(path, '330683')).toBe('石璜镇 / 雅璜村 / 第一网格')
    expect(regionPathLabel(path, '330683105')).toBe('雅璜村 / 第一网格')
    expect(regionPathLabel(path, '330683105212')).toBe('第一网格')
  })
  it('keeps the region’s own name for a viewer at that very region', () => {
    expect(regionPathLabel(path, '330683105212001')).toBe('第一网格')
    expect(regionPathLabel(path.slice(0, 2), '330683105')).toBe('石璜镇')
  })
  it('shows the whole path from the county outside the viewer’s area or above the county', () => {
    expect(regionPathLabel(path, '330683106')).toBe('嵊州市 / 石璜镇 / 雅璜村 / 第一网格')
    expect(regionPathLabel(path, '330600')).toBe('嵊州市 / 石璜镇 / 雅璜村 / 第一网格')
    expect(regionPathLabel(path, null)).toBe('嵊州市 / 石璜镇 / 雅璜村 / 第一网格')
  })
  it('falls back to the name it was given without a path', () => {
    expect(regionPathLabel(undefined, '330683', '第一网格')).toBe('第一网格')
    expect(regionPathLabel([], '330683', '第一网格')).toBe('第一网格')
  })
})

describe('belowRoot', () => {
  it('leaves out the root (the viewer’s region), keeps at least the last name', () => {
    expect(belowRoot(['石璜镇', '雅璜村', '第一网格'])).toBe('雅璜村 / 第一网格')
    expect(belowRoot(['石璜镇'])).toBe('石璜镇')
    expect(belowRoot([])).toBe('')
  })
})
