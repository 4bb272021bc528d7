// ExcelJS, loaded on first use: it takes ~0.3 s and ~15 MB to import, and most server starts never write or read
// a workbook (cold start goal: < 5 s, < 400 MB RSS). Types come from the static `import type`, free at run time.
import type ExcelJSModule from 'exceljs'

export type ExcelJS = typeof ExcelJSModule
let loading: Promise<ExcelJS> | undefined

/** The ExcelJS module, imported once. */
export function excel(): Promise<ExcelJS> {
  loading ??= import('exceljs').then((m) => (m.default ?? m) as ExcelJS)
  return loading
}
