// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { CASE_ACTIONS, CASE_CHANNELS, CASE_LEVELS, CASE_QUEUES, CASE_STATES, CASE_URGENCIES, ERROR_CODES, RATINGS, SUPERVISION_LEVELS } from '@minqing/common'
import zhCN from './zh-CN.ts'
import en from './en.ts'
import { REJECT_KINDS } from '../lib/cases/actions.ts'

describe('case labels', () => {
  it('every case enum value has a label in both languages', () => {
    const groups = [
      ['state', CASE_STATES],
      ['action', CASE_ACTIONS],
      ['event', [...CASE_ACTIONS, 'create', 'overdue', 'warn', 'accept_overdue', 'auto_close', 'answered_via_merge', 'merged_from']],
      ['level', CASE_LEVELS],
      ['urgency', CASE_URGENCIES],
      ['channel', CASE_CHANNELS],
      ['rating', RATINGS],
      ['supervision', SUPERVISION_LEVELS],
      ['queue', [...CASE_QUEUES, 'all']],
      ['rejectKind', REJECT_KINDS],
    ] as const
    for (const [group, values] of groups) {
      for (const v of values) {
        expect((zhCN.cases[group] as Record<string, string>)[v], `zh ${group}.${v}`).toBeTruthy()
        expect((en.cases[group] as Record<string, string>)[v], `en ${group}.${v}`).toBeTruthy()
      }
    }
  })

  it('translates the case endpoints’ error codes as the server sends them', () => {
    for (const key of ['INVALID_TRANSITION', 'RETURN_WINDOW_CLOSED', 'EXTENSION_LIMIT', 'TOP_LEVEL', 'UNKNOWN_CATEGORY', 'CATEGORY_TAKEN', 'NOT_REPORTER', 'CONCERN_ALREADY_RAISED'] as const) {
      const wire = ERROR_CODES[key]
      expect((zhCN.errors as Record<string, string>)[wire], wire).toBeTruthy()
      expect((en.errors as Record<string, string>)[wire], wire).toBeTruthy()
    }
  })
})
