// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import { ElDescriptionsItem } from 'element-plus'
import { flushPromises, mount } from '@vue/test-utils'
import type { ImportJob } from '@minqing/common'
import ImportJobCard from './ImportJobCard.vue'
import ImportJobsTable from './ImportJobsTable.vue'
import { i18n } from '../../i18n/index.ts'

const job: ImportJob = {
  id: '00000000-0000-4000-8000-0000000000b1',
  kind: 'households',
  status: 'done',
  filename: '雅璜村.xlsx',
  totalRows: 1000,
  processedRows: 1000,
  acceptedRows: 950,
  rejectedRows: 50,
  result: {},
  error: null,
  reportUrl: '/api/imports/x/report',
  createdAt: '2026-11-22T01:00:00.000Z',
  startedAt: '2026-11-22T01:00:00.000Z',
  finishedAt: '2026-11-22T01:00:04.000Z',
}
const base = { job, percent: 100, pollError: null, rejections: [{ rowNo: 7, reason: '身份证号校验位不对' }], duration: 4, reportError: null }

describe('ImportJobCard', () => {
  it('shows a finished job under the screen’s own test ids and texts, with its extra figures, and asks for the report', async () => {
    const w = mount(ImportJobCard, {
      props: { ...base, i18n: 'caseImports.import', testid: 'case-import', columns: 5 },
      // Extra figures are description items of the result (ElDescriptions renders only those).
      slots: { result: () => h(ElDescriptionsItem, { label: '新建' }, () => h('span', { 'data-testid': 'extra' }, '3')) },
      global: { plugins: [i18n] },
      attachTo: document.body,
    })
    await flushPromises()
    expect(w.get('[data-testid=case-import-accepted]').text()).toBe('950')
    expect(w.get('[data-testid=case-import-rejected]').text()).toBe('50')
    expect(w.get('[data-testid=case-import-rejections]').text()).toContain('身份证号校验位不对')
    expect(w.get('[data-testid=extra]').text()).toBe('3')
    expect(w.get('[data-testid=case-import-progress-text]').text()).toContain('1,000 / 1,000')
    await w.get('[data-testid=case-import-report]').trigger('click')
    expect(w.emitted('download')).toHaveLength(1)
  })

  it('shows no result while the job runs', () => {
    const w = mount(ImportJobCard, { props: { ...base, job: { ...job, status: 'running' }, percent: 40, i18n: 'archive.import', testid: 'import' }, global: { plugins: [i18n] } })
    expect(w.find('[data-testid=import-result]').exists()).toBe(false)
    expect(w.find('[data-testid=import-progress]').exists()).toBe(true)
  })
})

describe('ImportJobsTable', () => {
  it('lists jobs and follows the one asked for', async () => {
    const w = mount(ImportJobsTable, { props: { jobs: [job], loading: false, error: null, i18n: 'archive.import', testid: 'import' }, global: { plugins: [i18n] }, attachTo: document.body })
    await flushPromises()
    expect(w.get('[data-testid=import-jobs]').text()).toContain('雅璜村.xlsx')
    await w.get('[data-testid=import-jobs] button').trigger('click')
    expect(w.emitted('view')?.[0]).toEqual([job])
  })
})
