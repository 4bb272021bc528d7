// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { DOCUMENT_KINDS, PLACE_KINDS, POLITICAL_STATUSES, RELATIONS } from '@minqing/common'
import zhCN from './zh-CN.ts'
import en from './en.ts'

describe('archive labels', () => {
  it('every enum value of the archive has a label in both languages', () => {
    const groups = [
      ['relations', RELATIONS],
      ['politicalStatuses', POLITICAL_STATUSES],
      ['placeKinds', PLACE_KINDS],
      ['documentKinds', DOCUMENT_KINDS],
    ] as const
    for (const [group, values] of groups) {
      for (const v of values) {
        expect((zhCN.archive[group] as Record<string, string>)[v], `${group}.${v}`).toBeTruthy()
        expect((en.archive[group] as Record<string, string>)[v], `${group}.${v}`).toBeTruthy()
      }
    }
  })
})
