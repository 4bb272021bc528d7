import { parse } from 'csv-parse/sync'

/** A CSV text (a report, an export) as rows of cells; a leading BOM is dropped. */
export function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][]
}
