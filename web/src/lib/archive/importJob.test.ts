// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { ImportJob } from '@minqing/common'
import {
  importDurationSeconds,
  importFileProblem,
  importIgnoredColumns,
  importPercent,
  importRejections,
  importProgressStatus,
  importProgressText,
  importResultEntries,
  isImportFinished,
  parseMapping,
} from './importJob.ts'

const job = (over: Partial<ImportJob> = {}): ImportJob => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'households',
  status: 'running',
  filename: 'a.xlsx',
  totalRows: 200,
  processedRows: 50,
  acceptedRows: 48,
  rejectedRows: 2,
  result: {},
  error: null,
  reportUrl: null,
  createdAt: '2026-11-22T00:00:00.000Z',
  startedAt: '2026-11-22T00:00:01.000Z',
  finishedAt: null,
  ...over,
})

describe('import progress', () => {
  it('is processed of total, never 100 before done', () => {
    expect(importPercent(job())).toBe(25)
    expect(importPercent(job({ processedRows: 200 }))).toBe(99)
    expect(importPercent(job({ status: 'done', processedRows: 200 }))).toBe(100)
    expect(importPercent(job({ status: 'queued', totalRows: 0, processedRows: 0 }))).toBe(0)
    expect(importPercent(job({ processedRows: 999 }))).toBe(99)
  })
  it('shows rows as text', () => {
    expect(importProgressText(job({ processedRows: 1234, totalRows: 5000 }))).toBe('1,234 / 5,000')
    expect(importProgressText(job({ processedRows: 0, totalRows: 0 }))).toBe('0')
  })
  it('colours by outcome', () => {
    expect(importProgressStatus(job())).toBeUndefined()
    expect(importProgressStatus(job({ status: 'done', rejectedRows: 0 }))).toBe('success')
    expect(importProgressStatus(job({ status: 'done', rejectedRows: 3 }))).toBe('warning')
    expect(importProgressStatus(job({ status: 'failed' }))).toBe('exception')
  })
  it('knows when a job is over', () => {
    expect(isImportFinished(job())).toBe(false)
    expect(isImportFinished(job({ status: 'queued' }))).toBe(false)
    expect(isImportFinished(job({ status: 'done' }))).toBe(true)
    expect(isImportFinished(job({ status: 'failed' }))).toBe(true)
  })
  it('measures the duration', () => {
    expect(importDurationSeconds(job())).toBeNull()
    expect(importDurationSeconds(job({ finishedAt: '2026-11-22T00:00:13.540Z' }))).toBe(12.5)
  })
})

describe('importResultEntries', () => {
  it('flattens nested counts and skips what is not a number', () => {
    expect(importResultEntries({ persons: { unchanged: 0, created: 9 }, unchanged: 2, households: { unchanged: 0, created: 3, updated: 1 }, note: 'x', list: [1] })).toEqual([
      { key: 'households.created', value: 3 },
      { key: 'households.updated', value: 1 },
      { key: 'households.unchanged', value: 0 },
      { key: 'persons.created', value: 9 },
      { key: 'persons.unchanged', value: 0 },
      { key: 'unchanged', value: 2 },
    ])
    expect(importResultEntries(null)).toEqual([])
  })
})

describe('rejections and ignored columns', () => {
  it('reads the sample the server keeps, and nothing else', () => {
    expect(importRejections({ rejectedSample: [{ rowNo: 3, reason: '身份证号无效', extra: 1 }, { rowNo: 'x' }, null] })).toEqual([{ rowNo: 3, reason: '身份证号无效' }])
    expect(importRejections({})).toEqual([])
    expect(importIgnoredColumns({ ignoredColumns: ['备用', 3] })).toEqual(['备用'])
    expect(importIgnoredColumns(null)).toEqual([])
  })
})

describe('import file and mapping', () => {
  it('accepts .xlsx and .csv only, not empty', () => {
    expect(importFileProblem({ name: '户籍.XLSX', size: 10 })).toBeNull()
    expect(importFileProblem({ name: 'a.csv', size: 10 })).toBeNull()
    expect(importFileProblem({ name: 'a.xls', size: 10 })).toBe('type')
    expect(importFileProblem({ name: 'a.csv', size: 0 })).toBe('empty')
  })
  it('parses a mapping object, or nothing', () => {
    expect(parseMapping('  ')).toBeNull()
    expect(parseMapping('{"户主姓名":"name"}')).toEqual({ 户主姓名: 'name' })
    expect(() => parseMapping('[1]')).toThrow(SyntaxError)
    expect(() => parseMapping('{"a": 1}')).toThrow(SyntaxError)
    expect(() => parseMapping('{oops')).toThrow(SyntaxError)
  })
})
