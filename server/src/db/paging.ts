import { type Kysely, type SelectQueryBuilder, sql } from 'kysely'
import { LIST_TOTAL_CAP } from '@minqing/common'

/**
 * One page of a filtered list and the number of rows the filter matches, queried side by side:
 * `ordered` is `filtered` with its order, and the page is cut from it by `limit` and `offset`.
 *
 * The total is counted up to LIST_TOTAL_CAP + 1 (or just past the page, when the page reaches further):
 * a list of "more than 10,000" needs no exact figure, and an exact count(*) of a county's million persons
 * would cost more than the page itself. Screens show LIST_TOTAL_CAP + 1 as "10,000+".
 */
export async function pageWithTotal<D, TB extends keyof D, O>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database: the query carries its own types
  db: Kysely<any>,
  filtered: SelectQueryBuilder<D, TB, O>,
  ordered: SelectQueryBuilder<D, TB, O>,
  page: { limit: number; offset: number },
) {
  const [items, total] = await Promise.all([ordered.limit(page.limit).offset(page.offset).execute(), cappedCount(db, filtered, page)])
  return { items, total }
}

/** count(*) of a filtered query, stopping at max(LIST_TOTAL_CAP, offset + limit) + 1. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function cappedCount<D, TB extends keyof D, O>(db: Kysely<any>, filtered: SelectQueryBuilder<D, TB, O>, page: { limit: number; offset: number }) {
  const cap = Math.max(LIST_TOTAL_CAP, page.offset + page.limit) + 1
  const inner = filtered
    .clearSelect()
    .clearOrderBy()
    .select(sql`1`.as('one'))
    .limit(cap)
  const r = await sql<{ n: number }>`select count(*)::int as n from (${inner}) capped`.execute(db)
  return r.rows[0].n
}
