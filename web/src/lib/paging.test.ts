import { LIST_TOTAL_CAP } from '@minqing/common'
import { describe, expect, it } from 'vitest'
import { totalLabel } from './paging.ts'

const t = (key: string, v: Record<string, unknown>) => `${key}:${v.n}`

describe('totalLabel', () => {
  it('names exact totals and says "more than" past the cap the server counts to', () => {
    expect(totalLabel(0, t, 'zh-CN')).toBe('common.total:0')
    expect(totalLabel(LIST_TOTAL_CAP, t, 'en')).toBe('common.total:10,000')
    expect(totalLabel(LIST_TOTAL_CAP + 1, t, 'en')).toBe('common.totalMore:10,000')
  })
})
