// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { withQuery } from '../archive/query.ts'
import { enterpriseDiaryParams, ENTERPRISE_TIMELINE_PAGE, writeEnterpriseDiaryRoute } from './enterprise.ts'

const EID = '00000000-0000-4000-8000-0000000000f1'

describe('enterprise timeline', () => {
  it('asks for the enterprise’s entries, 20 at a time, with the cursor only when there is one', () => {
    expect(enterpriseDiaryParams(EID, null)).toEqual({ enterpriseId: EID, before: undefined, limit: ENTERPRISE_TIMELINE_PAGE })
    expect(withQuery('/diary', enterpriseDiaryParams(EID, null))).toBe(`/diary?enterpriseId=${EID}&limit=20`)
    const before = '00000000-0000-4000-8000-0000000000e9'
    expect(withQuery('/diary', enterpriseDiaryParams(EID, before, 5))).toBe(`/diary?enterpriseId=${EID}&before=${before}&limit=5`)
  })

  it('写企情日记 opens the write page preset with the enterprise', () => {
    expect(writeEnterpriseDiaryRoute(EID)).toEqual({ path: '/m/diary/new', query: { enterpriseId: EID } })
  })
})
