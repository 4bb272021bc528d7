import { type SelectQueryBuilder, sql } from 'kysely'

/**
 * One page of a filtered list and the number of rows the filter matches, queried side by side:
 * `ordered` is `filtered` with its order, and the page is cut from it by `limit` and `offset`.
 */
export async function pageWithTotal<DB, TB extends keyof DB, O>(
  filtered: SelectQueryBuilder<DB, TB, O>,
  ordered: SelectQueryBuilder<DB, TB, O>,
  page: { limit: number; offset: number },
) {
  const [items, total] = await Promise.all([
    ordered.limit(page.limit).offset(page.offset).execute(),
    filtered.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow() as Promise<{ n: number }>,
  ])
  return { items, total: total.n }
}
