import { LIST_TOTAL_CAP } from '@minqing/common'

/**
 * The server counts list totals up to LIST_TOTAL_CAP and answers LIST_TOTAL_CAP + 1 for "more": the pager then
 * says "more than 10,000" instead of a number nobody counted.
 */
export function totalLabel(total: number, t: (key: string, values: Record<string, unknown>) => string, locale: string): string {
  const n = (x: number) => x.toLocaleString(locale)
  return total > LIST_TOTAL_CAP ? t('common.totalMore', { n: n(LIST_TOTAL_CAP) }) : t('common.total', { n: n(total) })
}
