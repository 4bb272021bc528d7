import type ExcelJS from 'exceljs'
import { excel } from '../../platform/excel.ts'
import type { Household, Person, Tag } from '@minqing/common'

const GENDER: Record<string, string> = { male: '男', female: '女' }

const tagNames = (codes: string[], tags: Map<string, string>) => codes.map((c) => tags.get(c) ?? c).join('、')

/** One sheet with a bold, frozen header row, as an XLSX file; `row` turns a record into the sheet's cells. */
async function xlsx<T extends { tags: string[] }>(
  sheet: string,
  columns: Partial<ExcelJS.Column>[],
  rows: T[],
  tags: Tag[],
  row: (r: T, tagNames: string) => Record<string, unknown>,
): Promise<Buffer> {
  const byCode = new Map(tags.map((t) => [t.code, t.name]))
  const ExcelJS = await excel()
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Minqing 民情'
  wb.created = new Date()
  const ws = wb.addWorksheet(sheet)
  ws.columns = columns
  for (const r of rows) ws.addRow(row(r, tagNames(r.tags, byCode)))
  ws.getRow(1).font = { bold: true }
  ws.views = [{ state: 'frozen', ySplit: 1 }]
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** A filtered household list as XLSX (identifiers masked, as on screen). */
export async function householdsXlsx(rows: Household[], tags: Tag[]): Promise<Buffer> {
  return xlsx(
    '户籍档案',
    [
      { header: '区域代码', key: 'regionCode', width: 18 },
      { header: '区域', key: 'regionName', width: 16 },
      { header: '地址', key: 'address', width: 28 },
      { header: '户主', key: 'headName', width: 10 },
      { header: '人数', key: 'memberCount', width: 6 },
      { header: '联系电话', key: 'phone', width: 14 },
      { header: '标签', key: 'tags', width: 24 },
      { header: '更新时间', key: 'updatedAt', width: 20 },
    ],
    rows,
    tags,
    (h, tagNames) => ({ ...h, tags: tagNames, updatedAt: new Date(h.updatedAt) }),
  )
}

export async function personsXlsx(rows: Person[], tags: Tag[]): Promise<Buffer> {
  return xlsx(
    '人员',
    [
      { header: '区域代码', key: 'regionCode', width: 18 },
      { header: '区域', key: 'regionName', width: 16 },
      { header: '姓名', key: 'name', width: 10 },
      { header: '性别', key: 'gender', width: 6 },
      { header: '出生日期', key: 'birthDate', width: 12 },
      { header: '年龄', key: 'age', width: 6 },
      { header: '身份证号', key: 'idNumber', width: 20 },
      { header: '联系电话', key: 'phone', width: 14 },
      { header: '与户主关系', key: 'relation', width: 10 },
      { header: '政治面貌', key: 'politicalStatus', width: 10 },
      { header: '健康状况', key: 'health', width: 12 },
      { header: '子女是否同城', key: 'childrenInCity', width: 12 },
      { header: '工作单位', key: 'workplace', width: 20 },
      { header: '标签', key: 'tags', width: 24 },
    ],
    rows,
    tags,
    (p, tagNames) => ({
      ...p,
      gender: p.gender ? GENDER[p.gender] : '',
      childrenInCity: p.childrenInCity === null ? '' : p.childrenInCity ? '是' : '否',
      tags: tagNames,
    }),
  )
}
