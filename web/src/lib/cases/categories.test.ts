// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { Category } from '@minqing/common'
import { buildCategoryPatch, buildCreateCategory, cascaderOptions, categoryLabel, categoryPath, categoryToForm, categoryTree, emptyCategoryForm, parseKeywords } from './categories.ts'

let id = 0
const cat = (code: string, name: string, parentCode: string | null, keywords: string[] = [], extra: Partial<Category> = {}): Category => ({
  id: ++id,
  code,
  name,
  parentCode,
  defaultLevel: 'village',
  defaultUnitId: null,
  limits: { normalDays: 10, urgentDays: 5, emergencyHours: 24 },
  keywords,
  active: true,
  ...extra,
})
const LIST: Category[] = [
  cat('traffic', '道路交通', null),
  cat('traffic.road', '道路破损', 'traffic', ['路面', '坑洼', '破损']),
  cat('traffic.streetlight', '路灯故障', 'traffic', ['路灯', '不亮']),
  cat('environment', '环境卫生', null),
  cat('environment.garbage', '垃圾清运', 'environment', ['垃圾', '清运']),
  cat('environment.old', '旧分类', 'environment', ['路灯'], { active: false }),
]

describe('categories', () => {
  it('builds the tree and cascader options from the flat list', () => {
    const tree = categoryTree(LIST, { activeOnly: true })
    expect(tree.map((n) => [n.code, n.children.map((c) => c.code)])).toEqual([
      ['traffic', ['traffic.road', 'traffic.streetlight']],
      ['environment', ['environment.garbage']],
    ])
    expect(cascaderOptions(tree)[0]).toEqual({
      value: 'traffic',
      label: '道路交通',
      children: [
        { value: 'traffic.road', label: '道路破损' },
        { value: 'traffic.streetlight', label: '路灯故障' },
      ],
    })
    // an orphan becomes a root
    expect(categoryTree([cat('x.y', 'Y', 'x')]).map((n) => n.code)).toEqual(['x.y'])
  })

  it('gives the path and label of a code', () => {
    expect(categoryPath(LIST, 'traffic.streetlight')).toEqual(['traffic', 'traffic.streetlight'])
    expect(categoryPath(LIST, 'traffic')).toEqual(['traffic'])
    expect(categoryPath(LIST, 'nope')).toEqual([])
    expect(categoryPath(LIST, null)).toEqual([])
    expect(categoryLabel(LIST, 'traffic.streetlight')).toBe('道路交通 / 路灯故障')
  })

  it('parses keywords typed with commas, 、 or spaces', () => {
    expect(parseKeywords('路灯，不亮 坑洼、破损,, 路灯')).toEqual(['路灯', '不亮', '坑洼', '破损'])
    expect(parseKeywords('  ')).toEqual([])
  })

  it('builds the admin form’s create body and an edit’s patch of what changed', () => {
    const form = { ...emptyCategoryForm('traffic', LIST[0]), code: ' traffic.bridge ', name: ' 桥梁 ', keywords: '桥，桥梁' }
    expect(buildCreateCategory(form)).toEqual({
      code: 'traffic.bridge',
      name: '桥梁',
      parentCode: 'traffic',
      defaultLevel: 'village',
      defaultUnitId: null,
      limits: { normalDays: 10, urgentDays: 5, emergencyHours: 24 },
      keywords: ['桥', '桥梁'],
    })
    const light = LIST[2]
    expect(buildCategoryPatch(light, categoryToForm(light))).toEqual({})
    const edited = { ...categoryToForm(light), urgentDays: 2, keywords: '路灯，不亮，灯坏' }
    expect(buildCategoryPatch(light, edited)).toEqual({ limits: { normalDays: 10, urgentDays: 2, emergencyHours: 24 }, keywords: ['路灯', '不亮', '灯坏'] })
    expect(buildCategoryPatch(light, { ...categoryToForm(light), parentCode: null, defaultLevel: 'town' })).toEqual({ parentCode: null, defaultLevel: 'town' })
  })
})
