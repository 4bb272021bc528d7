/** The console feed's export: the filtered entries as CSV (UTF-8 with a BOM, so Excel reads the Chinese). */
import type { DiaryEntry } from '@minqing/common'
import { formatDateTime } from '../archive/format.ts'

export interface CsvLabels {
  headers: readonly string[]
  kind: (k: DiaryEntry['kind']) => string
  mood: (m: DiaryEntry['mood']) => string
  urgency: (u: DiaryEntry['urgency']) => string
  review: (r: DiaryEntry['review']) => string
}

/**
 * One cell: quoted when it holds a comma, quote or line break; a leading = + - @ (a formula to a spreadsheet)
 * is defused with an apostrophe.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const csvRow = (cells: readonly unknown[]) => cells.map(csvCell).join(',')

function entryRow(e: DiaryEntry, l: CsvLabels): unknown[] {
  return [
    formatDateTime(e.occurredAt),
    l.kind(e.kind),
    e.author.name,
    e.regionName,
    e.household?.address ?? e.enterprise?.name ?? '',
    e.person?.name ?? '',
    e.text,
    l.mood(e.mood),
    l.urgency(e.urgency),
    e.concerns.map((c) => c.text).join('；'),
    e.photos.length,
    e.comments.length,
    l.review(e.review),
    e.reviewedBy?.name ?? '',
  ]
}

export const BOM = '\uFEFF'

export function entriesToCsv(entries: readonly DiaryEntry[], l: CsvLabels): string {
  return BOM + [csvRow(l.headers), ...entries.map((e) => csvRow(entryRow(e, l)))].join('\r\n') + '\r\n'
}

/** Hand a text to the browser as a download. */
export function saveText(text: string, filename: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  try {
    const a = document.createElement('a')
    a.href = url
    a.download = filename
    a.style.display = 'none'
    document.body.appendChild(a)
    a.click()
    a.remove()
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
}
