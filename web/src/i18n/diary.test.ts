// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { DIARY_KINDS, MOODS, REVIEW_MARKS, URGENCIES, VISIT_PERIODS, VISIT_RULE_MEASURES } from '@minqing/common'
import zhCN from './zh-CN.ts'
import en from './en.ts'

describe('diary labels', () => {
  it('every diary / visits enum value has a label in both languages', () => {
    const groups = [
      [(m: typeof zhCN) => m.diary.kinds, DIARY_KINDS],
      [(m: typeof zhCN) => m.diary.moods, MOODS],
      [(m: typeof zhCN) => m.diary.urgencies, URGENCIES],
      [(m: typeof zhCN) => m.diary.reviews, REVIEW_MARKS],
      [(m: typeof zhCN) => m.visits.measures, VISIT_RULE_MEASURES],
      [(m: typeof zhCN) => m.visits.periods, VISIT_PERIODS],
    ] as const
    for (const [pick, values] of groups) {
      for (const v of values) {
        expect((pick(zhCN) as Record<string, string>)[v], v).toBeTruthy()
        expect((pick(en as unknown as typeof zhCN) as Record<string, string>)[v], v).toBeTruthy()
      }
    }
  })
  it('the CSV headers match the exported columns in both languages', () => {
    expect(zhCN.diary.console.csvHeaders.split(',')).toHaveLength(14)
    expect(en.diary.console.csvHeaders.split(',')).toHaveLength(14)
  })
})
