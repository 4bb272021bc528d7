import { createHash } from 'node:crypto'
import type { CompiledQuery, QueryResult } from 'kysely'
import pg from 'pg'
import type { Executor } from './types.ts'

/**
 * Server-side prepared statements for the few queries every request runs (the session lookup, a case's
 * intake). PostgreSQL spends most of a small query's time parsing and planning it; a statement prepared once
 * per connection skips that (measured with pgbench on the case insert: 1.8k → 4k statements/s at 50 clients).
 *
 * Opt-in, by SQL text: `executePrepared` marks a query's text, and the pool's clients (`PreparingClient`) send
 * a marked text as a named statement. Only fixed-shape point queries belong here: a prepared statement may
 * run a generic plan, which is right for "find by key" and wrong for list queries whose best plan depends on
 * the filter's values. On PGlite the mark is harmless (one connection, no planner cost worth saving).
 */
const names = new Map<string, string>()
/** A bound on distinct texts, so a query whose text varies by mistake cannot fill every connection's memory. */
const MAX_PREPARED = 64

function nameOf(text: string): string | undefined {
  return names.get(text)
}

function mark(text: string) {
  if (names.has(text) || names.size >= MAX_PREPARED) return
  names.set(text, `mq_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`)
}

/**
 * Runs a compiled query (a builder's `.compile()` or a raw `sql` template's `.compile(db)`) as a prepared
 * statement. When a migration changed a table under a statement prepared before it (`select *` now returns
 * other columns: PostgreSQL refuses with 0A000 "cached plan must not change result type"), the text is
 * prepared again under a new name and run once more.
 */
export async function executePrepared<R>(db: Executor, query: CompiledQuery<R>): Promise<QueryResult<R>> {
  mark(query.sql)
  try {
    return await db.executeQuery(query)
  } catch (err) {
    if ((err as { code?: string }).code !== '0A000' || !names.has(query.sql)) throw err
    names.set(query.sql, `${names.get(query.sql)}_${Date.now().toString(36)}`)
    return db.executeQuery(query)
  }
}

/** The statements marked so far (tests look). */
export const preparedTexts = () => [...names.keys()]

/**
 * node-postgres client that sends a marked text as a named statement: the first use on a connection parses
 * it, every later use only binds and executes. Everything else passes through unchanged.
 */
export class PreparingClient extends pg.Client {
  // pg's own overloads; only (text, values[, callback]) calls are rewritten.
  query(...args: unknown[]): never {
    const [text, values] = args
    if (typeof text === 'string' && (Array.isArray(values) || values === undefined) && typeof args[2] !== 'function') {
      const name = nameOf(text)
      if (name) return (super.query as (...a: unknown[]) => never)({ name, text, values })
    }
    return (super.query as (...a: unknown[]) => never)(...args)
  }
}
