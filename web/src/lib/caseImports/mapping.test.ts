import { describe, expect, it } from 'vitest'
import { CASE_IMPORT_FIELDS } from '@minqing/common'
import zhCN from '../../i18n/zh-CN.ts'
import en from '../../i18n/en.ts'
import { differsFromSaved, draftFrom, duplicateColumns, mappingOf, missingFields, overrideOf } from './mapping.ts'

const saved = { externalId: '工单编号', description: '诉求内容', regionName: '所属区域', createdAt: '来电时间' }
const headers = ['工单编号', '来电时间', '诉求内容', '所属区域', '备注']

describe('case import mapping', () => {
  it('starts from the columns the server found; every field has a label in both languages', () => {
    const d = draftFrom({ externalId: '工单编号', description: '诉求内容' })
    expect(Object.keys(d)).toEqual([...CASE_IMPORT_FIELDS])
    expect(d.externalId).toBe('工单编号')
    expect(d.title).toBeNull()
    for (const f of CASE_IMPORT_FIELDS) {
      expect((zhCN.caseImports.field as Record<string, string>)[f]).toBeTruthy()
      expect((en.caseImports.field as Record<string, string>)[f]).toBeTruthy()
    }
  })

  it('names the required fields left without a column (the region by code or by name, unless the source has a default)', () => {
    const d = draftFrom({})
    expect(missingFields(d)).toEqual(['externalId', 'description', 'regionName'])
    expect(missingFields(d, { regionOptional: true })).toEqual(['externalId', 'description'])
    expect(missingFields(draftFrom({ externalId: 'a', description: 'b', regionCode: 'c' }))).toEqual([])
  })

  it('finds a column given to two fields', () => {
    expect(duplicateColumns(draftFrom({ title: '诉求内容', description: '诉求内容', externalId: '工单编号' }))).toEqual(['诉求内容'])
    expect(duplicateColumns(draftFrom(saved))).toEqual([])
  })

  it('tells a change from the saved mapping, and sends the saved mapping with the changes', () => {
    const same = draftFrom(saved)
    expect(differsFromSaved(same, saved, headers)).toBe(false)
    // A saved field whose column this file lacks is no change, and stays saved.
    const lacking = draftFrom({ externalId: '工单编号', description: '诉求内容', regionName: '所属区域' })
    expect(differsFromSaved(lacking, saved, ['工单编号', '诉求内容', '所属区域'])).toBe(false)
    const moved = { ...same, title: '备注' }
    expect(differsFromSaved(moved, saved, headers)).toBe(true)
    expect(overrideOf(moved, saved, headers)).toEqual({ ...saved, title: '备注' })
    // Clearing a column the file has is a change.
    const cleared = { ...same, createdAt: null }
    expect(differsFromSaved(cleared, saved, headers)).toBe(true)
    expect(overrideOf(cleared, saved, headers)).toEqual({ externalId: '工单编号', description: '诉求内容', regionName: '所属区域' })
    expect(mappingOf(moved)).toEqual({ ...saved, title: '备注' })
  })
})
