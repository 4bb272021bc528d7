import type { CaseImportField, ExternalState } from '@minqing/common'

// The platforms a county already receives cases from, with the column layout of their exports as seen in
// Zhejiang (12345 政务服务便民热线 work orders, 浙里兴村治社 events, 民呼我为 appeals). Added when missing, never
// overwritten: an administrator's edits to a mapping stay.

export interface BuiltinSource {
  code: string
  name: string
  channel: 'import' | 'platform' | 'hotline'
  mapping: Partial<Record<CaseImportField, string>>
  statusMap: Record<string, ExternalState>
}

export const BUILTIN_SOURCES: BuiltinSource[] = [
  {
    code: '12345',
    name: '12345 政务服务热线',
    channel: 'hotline',
    mapping: {
      externalId: '工单编号',
      createdAt: '来电时间',
      reporterName: '来电人',
      reporterPhone: '联系电话',
      title: '诉求标题',
      description: '诉求内容',
      categoryCode: '问题分类',
      regionName: '所属区域',
      regionCode: '区划代码',
      address: '事发地址',
      urgency: '紧急程度',
      status: '办理状态',
    },
    statusMap: { 已办结: 'closed', 已回访: 'closed', 已答复: 'replied', 已回复: 'replied', 待回访: 'replied', 不予受理: 'rejected', 已作废: 'rejected' },
  },
  {
    code: 'zlxczs',
    name: '浙里兴村治社',
    channel: 'platform',
    mapping: {
      externalId: '事件编号',
      createdAt: '上报时间',
      title: '事件标题',
      description: '事件描述',
      categoryCode: '事件类型',
      regionName: '所属村社',
      regionCode: '村社代码',
      reporterName: '上报人',
      reporterPhone: '联系方式',
      address: '事件地点',
      status: '事件状态',
    },
    statusMap: { 已办结: 'closed', 已归档: 'closed', 已反馈: 'replied', 已作废: 'rejected' },
  },
  {
    code: 'mhww',
    name: '民呼我为',
    channel: 'platform',
    mapping: {
      externalId: '诉求编号',
      createdAt: '提交时间',
      title: '诉求主题',
      description: '诉求详情',
      categoryCode: '诉求类别',
      regionName: '所在区域',
      regionCode: '行政区划代码',
      reporterName: '诉求人',
      reporterPhone: '手机号码',
      address: '详细地址',
      status: '处理状态',
    },
    statusMap: { 已完成: 'closed', 已评价: 'closed', 已答复: 'replied', 待评价: 'replied', 不予受理: 'rejected' },
  },
]
