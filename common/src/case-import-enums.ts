// Imports of cases from other platforms and the push API: constants shared by server and web, free of TypeBox
// (see archive-enums.ts).

/**
 * Our fields of an imported or pushed case. A source's mapping says, per field, which column header of its
 * export holds it; the push API takes these names as JSON keys.
 */
export const CASE_IMPORT_FIELDS = [
  'externalId',
  'createdAt',
  'title',
  'description',
  'regionCode',
  'regionName',
  'categoryCode',
  'urgency',
  'reporterName',
  'reporterPhone',
  'address',
  'lat',
  'lng',
  'status',
] as const
export type CaseImportField = (typeof CASE_IMPORT_FIELDS)[number]

/** Needed in every row; the region needs regionCode or regionName unless the source has a default region. */
export const CASE_IMPORT_REQUIRED: readonly CaseImportField[] = ['externalId', 'description']

/** The generic column header of each field (a source's own mapping wins; these serve a source without one). */
export const CASE_IMPORT_FIELD_HEADERS: Record<CaseImportField, string> = {
  externalId: '工单编号',
  createdAt: '反映时间',
  title: '诉求标题',
  description: '诉求内容',
  regionCode: '区划代码',
  regionName: '所属区域',
  categoryCode: '问题分类',
  urgency: '紧急程度',
  reporterName: '联系人',
  reporterPhone: '联系电话',
  address: '地址',
  lat: '纬度',
  lng: '经度',
  status: '办理状态',
}

/** What another platform's status can say of a case it already finished (anything else: the case stays new). */
export const EXTERNAL_STATES = ['closed', 'replied', 'rejected'] as const
export type ExternalState = (typeof EXTERNAL_STATES)[number]

/** The channel a source's cases carry: a file from the platform, or pushed by it. */
export const CASE_SOURCE_CHANNELS = ['import', 'platform', 'hotline'] as const

/** Items in one push request. */
export const PUSH_MAX_ITEMS = 500

/** Similar open cases shown at most. */
export const SIMILAR_MAX = 10
