import { maskIdNumber, maskPhone, redactIdentifiers } from '../../platform/identifiers.ts'

// The rejected-rows report quotes the file's own cells, so it carries whatever identifiers the file had. It is
// shown as the archive shows them (issue 11): the shared masks of platform/identifiers.ts, never a format of our own.

/** Which kind of identifier a field holds (a kind of import names its fields: idNumber, phone, reporterPhone…). */
export type IdentifierKind = 'idNumber' | 'phone'

/**
 * A function masking one report line's file cells: a column mapped to an identifier field is masked whole, valid
 * or not (the broken ones are exactly the rows in the report); any other cell, and the reason, have the ID numbers
 * and phones inside their text masked. Masking a masked value changes nothing.
 */
export function reportMasker(headers: string[], columns: Record<string, string>, identifiers: Record<string, IdentifierKind>) {
  const kinds = headers.map((h) => identifiers[columns[h] ?? ''] as IdentifierKind | undefined)
  return {
    cells: (cells: string[]) =>
      cells.map((c, i) => {
        const v = c.trim()
        if (!v) return c
        if (kinds[i] === 'idNumber') return maskIdNumber(v.replace(/\s+/g, '').toUpperCase())
        if (kinds[i] === 'phone') return maskPhone(v.replace(/[\s-]+/g, ''))
        return redactIdentifiers(c)
      }),
    reason: (reason: string) => redactIdentifiers(reason),
  }
}
