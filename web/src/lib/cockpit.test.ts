// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { Region, RegionSummary } from '@minqing/common'
import { buildRegionTree, fitStage, treemapTooltip } from './cockpit.ts'

const village = (code: string, name: string): Region => ({ code, name, level: 'village', parentCode: code.slice(0, 9), path: [code], childCount: 0 })

describe('buildRegionTree', () => {
  const summary: RegionSummary = {
    region: { code: '330683', name: '嵊州市', level: 'county', parentCode: null, path: ['330683'], childCount: 3 },
    totals: { towns: 3, villages: 5, grids: 4, users: 3, units: 1 },
    children: [
      { code: '330683105', name: '石璜镇', level: 'town', villages: 2, grids: 4, users: 3, units: 1 },
      { code: '330683106', name: '谷来镇', level: 'town', villages: 3, grids: 0, users: 0, units: 0 },
      { code: '330683107', name: '空镇', level: 'town', villages: 0, grids: 0, users: 0, units: 0 },
    ],
    usersByRole: [],
  }
  it('nests loaded children and falls back to counts, dropping empty branches', () => {
    const tree = buildRegionTree(summary, { '330683105': [village('330683105212', '雅璜村'), village('330683105213', '王院村')] })
    expect(tree).toEqual([
      { name: '谷来镇', code: '330683106', value: 3 },
      {
        name: '石璜镇',
        code: '330683105',
        value: 2,
        children: [
          { name: '雅璜村', code: '330683105212', value: 1 },
          { name: '王院村', code: '330683105213', value: 1 },
        ],
      },
    ])
  })
  it('is empty without a summary', () => {
    expect(buildRegionTree(null, {})).toEqual([])
  })
})

describe('fitStage', () => {
  it('fits and centers the 1920×1080 stage', () => {
    expect(fitStage(1920, 1080)).toEqual({ scale: 1, left: 0, top: 0 })
    const s = fitStage(1280, 1024)
    expect(s.scale).toBeCloseTo(1280 / 1920)
    expect(s.left).toBe(0)
    expect(s.top).toBeCloseTo((1024 - 1080 * (1280 / 1920)) / 2)
  })
})

describe('treemapTooltip', () => {
  it('shows a region name as text, never as markup (the tooltip is inserted as HTML)', () => {
    const name = '<img src=x onerror="window.__xss=1">'
    const out = treemapTooltip({ name, value: 3 })
    const div = document.createElement('div')
    div.innerHTML = out
    expect(div.querySelector('img')).toBeNull()
    expect(div.textContent).toBe(`${name}: 3`)
  })
  it('names a grid by its path below the viewer’s region: every village has a 第一网格', () => {
    const info = [{ name: '石璜镇' }, { name: '雅璜村' }, { name: '第一网格' }]
    expect(treemapTooltip({ name: '第一网格', value: 2, treePathInfo: info })).toBe('雅璜村 / 第一网格: 2')
    expect(treemapTooltip({ name: '雅璜村', value: 5, treePathInfo: info.slice(0, 2) })).toBe('雅璜村: 5')
    const div = document.createElement('div')
    div.innerHTML = treemapTooltip({ name: 'x', value: 1, treePathInfo: [{ name: '石璜镇' }, { name: '<b>村</b>' }, { name: '<i>格</i>' }] })
    expect(div.querySelector('b, i')).toBeNull()
    expect(div.textContent).toBe('<b>村</b> / <i>格</i>: 1')
  })
})
