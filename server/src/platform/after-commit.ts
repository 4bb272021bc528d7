import { AsyncLocalStorage } from 'node:async_hooks'

type Work = () => Promise<void>
const scope = new AsyncLocalStorage<Work[]>()

/**
 * Runs `fn` (which opens and commits a transaction) so that code deep inside it can ask for work to happen only
 * once the transaction has committed — the live push and outbound sends of a notice written in it, say — without
 * every layer between passing a callback along. If `fn` throws (the transaction rolled back), the work is dropped.
 */
export async function withAfterCommit<T>(fn: () => Promise<T>, onError: (err: unknown) => void = () => {}): Promise<T> {
  const work: Work[] = []
  const result = await scope.run(work, fn)
  for (const w of work) await w().catch(onError)
  return result
}

/** Queues `work` for after the enclosing withAfterCommit's transaction commits; false when there is no such scope. */
export function afterCommit(work: Work): boolean {
  const list = scope.getStore()
  if (!list) return false
  list.push(work)
  return true
}

/** Whether the caller runs inside a withAfterCommit scope. */
export function inAfterCommitScope(): boolean {
  return scope.getStore() !== undefined
}
