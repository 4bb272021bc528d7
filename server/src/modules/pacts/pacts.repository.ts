import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// 契约化共建 pacts, their items, fulfilment log and state events: the only SQL of the pacts module (migration 20261207091000).

export interface PactRow {
  id: string
  title: string
  partner_unit_id: string
  partner_unit_name: string
  region_id: number
  region_code: string
  region_name: string
  region_path: string
  year: number
  state: string
  signed_on: string | null
  signatories: string
  published_at: Date | null
  rating_score: number | null
  rating_comment: string | null
}

export async function regionByCode(db: Executor, code: string) {
  return (await sql<{ id: number; path: string; name: string; level: string }>`select id, path, name, level from regions where code = ${code}`.execute(db)).rows[0]
}

export async function unitById(db: Executor, id: string) {
  return (
    await sql<{ id: string; name: string; kind: string; region_path: string }>`
    select u.id, u.name, u.kind, r.path as region_path from units u join regions r on r.id = u.region_id where u.id = ${id}`.execute(db)
  ).rows[0]
}

const COLUMNS = sql`p.id, p.title, p.partner_unit_id, u.name as partner_unit_name, p.region_id, r.code as region_code, r.name as region_name, r.path as region_path,
  p.year, p.state, to_char(p.signed_on, 'YYYY-MM-DD') as signed_on, p.signatories, p.published_at, p.rating_score, p.rating_comment`
const FROM = sql`pacts p join regions r on r.id = p.region_id join units u on u.id = p.partner_unit_id`

export async function findPact(db: Executor, id: string) {
  return (await sql<PactRow>`select ${COLUMNS} from ${FROM} where p.id = ${id}`.execute(db)).rows[0]
}

/** Pacts of communities under the caller's path, or with the caller's unit as the partner. */
export async function listPacts(db: Executor, q: { underPath: string; unitId: string | null; regionPath?: string; state?: string; states?: string[] }) {
  const where = [q.unitId ? sql`(r.path like ${q.underPath + '%'} or p.partner_unit_id = ${q.unitId})` : sql`r.path like ${q.underPath + '%'}`]
  if (q.regionPath) where.push(sql`r.path like ${q.regionPath + '%'}`)
  if (q.state) where.push(sql`p.state = ${q.state}`)
  if (q.states) where.push(sql`p.state = any(${q.states}::text[])`)
  return (
    await sql<PactRow & { items: number; logs: number }>`select ${COLUMNS},
        (select count(*)::int from pact_items i where i.pact_id = p.id) as items,
        (select count(*)::int from pact_logs l where l.pact_id = p.id) as logs
      from ${FROM} where ${sql.join(where, sql` and `)} order by p.year desc, r.code, p.created_at desc limit 500`.execute(db)
  ).rows
}

export async function insertPact(db: Executor, p: { title: string; partnerUnitId: string; regionId: number; year: number; createdBy: string }) {
  return (
    await sql<{
      id: string
    }>`insert into pacts (title, partner_unit_id, region_id, year, created_by) values (${p.title}, ${p.partnerUnitId}, ${p.regionId}, ${p.year}, ${p.createdBy}) returning id`.execute(db)
  ).rows[0]!.id
}

export async function insertItems(db: Executor, pactId: string, items: { direction: string; resource: string; content: string }[]) {
  for (const i of items) await sql`insert into pact_items (pact_id, direction, resource, content) values (${pactId}, ${i.direction}, ${i.resource}, ${i.content})`.execute(db)
}

/** Deletes an item of a pact still negotiating (one statement guards the state); false when none went. */
export async function deleteItem(db: Executor, pactId: string, itemId: string) {
  const r = await sql`delete from pact_items i using pacts p where i.id = ${itemId} and i.pact_id = ${pactId} and p.id = i.pact_id and p.state = 'negotiating'
    and not exists (select 1 from pact_logs l where l.item_id = i.id)`.execute(db)
  return Number(r.numAffectedRows ?? 0) > 0
}

export async function itemsOf(db: Executor, pactId: string) {
  return (
    await sql<{
      id: string
      direction: string
      resource: string
      content: string
    }>`select id, direction, resource, content from pact_items where pact_id = ${pactId} order by direction desc, created_at, id`.execute(db)
  ).rows
}

export async function itemOf(db: Executor, pactId: string, itemId: string) {
  return (await sql<{ id: string }>`select id from pact_items where pact_id = ${pactId} and id = ${itemId}`.execute(db)).rows[0]
}

export async function logsOf(db: Executor, pactId: string) {
  return (
    await sql<{
      id: string
      done_on: string
      content: string
      item_id: string | null
      case_id: string | null
      case_number: string | null
      case_state: string | null
      task_id: string | null
      task_title: string | null
      task_state: string | null
      created_by_name: string
    }>`select l.id, to_char(l.done_on, 'YYYY-MM-DD') as done_on, l.content, l.item_id, l.case_id, c.number as case_number, c.state as case_state,
        l.task_id, t.title as task_title, t.state as task_state, u.name as created_by_name
      from pact_logs l left join cases c on c.id = l.case_id left join tasks t on t.id = l.task_id join users u on u.id = l.created_by
      where l.pact_id = ${pactId} order by l.done_on desc, l.created_at desc`.execute(db)
  ).rows
}

export async function insertLog(db: Executor, l: { pactId: string; itemId: string | null; doneOn: string; content: string; caseId: string | null; taskId: string | null; createdBy: string }) {
  await sql`insert into pact_logs (pact_id, item_id, done_on, content, case_id, task_id, created_by)
    values (${l.pactId}, ${l.itemId}, ${l.doneOn}, ${l.content}, ${l.caseId}, ${l.taskId}, ${l.createdBy})`.execute(db)
}

export async function eventsOf(db: Executor, pactId: string) {
  return (
    await sql<{ action: string; from_state: string | null; to_state: string; actor_name: string | null; at: Date; note: string | null }>`
      select e.action, e.from_state, e.to_state, u.name as actor_name, e.at, e.note from pact_events e left join users u on u.id = e.actor_id
      where e.pact_id = ${pactId} order by e.id`.execute(db)
  ).rows
}

export async function insertEvent(db: Executor, e: { pactId: string; action: string; from: string | null; to: string; actorId: string; note: string | null }) {
  await sql`insert into pact_events (pact_id, action, from_state, to_state, actor_id, note) values (${e.pactId}, ${e.action}, ${e.from}, ${e.to}, ${e.actorId}, ${e.note})`.execute(db)
}

/**
 * Moves the pact from `from` to `to` in one guarded statement with the action's fields; false when it was not in
 * `from` (a concurrent step won, or the order was wrong).
 */
export async function step(
  db: Executor,
  id: string,
  from: string,
  to: string,
  patch: { signedOn?: string; signatories?: string; publish?: boolean; score?: number; comment?: string; ratedBy?: string },
) {
  const sets = [sql`state = ${to}`, sql`updated_at = now()`]
  if (patch.signedOn !== undefined) sets.push(sql`signed_on = ${patch.signedOn}`)
  if (patch.signatories !== undefined) sets.push(sql`signatories = ${patch.signatories}`)
  if (patch.publish) sets.push(sql`published_at = now()`)
  if (patch.score !== undefined) sets.push(sql`rating_score = ${patch.score}, rating_comment = ${patch.comment ?? ''}, rated_at = now(), rated_by = ${patch.ratedBy ?? null}`)
  const r = await sql`update pacts set ${sql.join(sets)} where id = ${id} and state = ${from}`.execute(db)
  return Number(r.numAffectedRows ?? 0) > 0
}

export async function lockPact(db: Executor, id: string) {
  return (await sql<{ state: string }>`select state from pacts where id = ${id} for update`.execute(db)).rows[0]
}

/** Partner, department and enterprise units of the caller's area or above it. */
export async function partnersFor(db: Executor, actorPath: string, kinds: readonly string[]) {
  return (
    await sql<{ id: string; name: string; kind: string; region_name: string }>`select u.id, u.name, u.kind, r.name as region_name from units u join regions r on r.id = u.region_id
      where (r.path like ${actorPath + '%'} or ${actorPath} like r.path || '%') and u.kind = any(${[...kinds]}::text[])
      order by u.kind desc, u.name limit 500`.execute(db)
  ).rows
}

/** The 亮约 board of a village: its pacts in `states`, newest year first. */
export async function boardPacts(db: Executor, regionId: number, states: string[]) {
  return (
    await sql<PactRow>`select ${COLUMNS} from ${FROM} where p.region_id = ${regionId} and p.state = any(${states}::text[]) order by p.year desc, p.published_at desc nulls last limit 100`.execute(db)
  ).rows
}

/** Items and log entries (with the linked case's and task's state, never who wrote them) of several pacts. */
export async function boardDetails(db: Executor, ids: string[]) {
  if (ids.length === 0) return { items: [], logs: [] }
  const [items, logs] = await Promise.all([
    sql<{ pact_id: string; direction: string; resource: string; content: string }>`
      select pact_id, direction, resource, content from pact_items where pact_id = any(${ids}::uuid[]) order by direction desc, created_at, id`.execute(db),
    sql<{ pact_id: string; done_on: string; content: string; case_state: string | null; task_state: string | null }>`
      select l.pact_id, to_char(l.done_on, 'YYYY-MM-DD') as done_on, l.content, c.state as case_state, t.state as task_state
      from pact_logs l left join cases c on c.id = l.case_id left join tasks t on t.id = l.task_id
      where l.pact_id = any(${ids}::uuid[]) order by l.done_on desc, l.created_at desc`.execute(db),
  ])
  return { items: items.rows, logs: logs.rows }
}

/** A region by code with its level, path and the name of its town. */
export async function regionWithTown(db: Executor, code: string) {
  return (
    await sql<{ id: number; code: string; name: string; level: string; path: string; town: string | null }>`
      select r.id, r.code, r.name, r.level, r.path, t.name as town from regions r
      left join regions t on t.level = 'town' and r.path like t.path || '%' where r.code = ${code} limit 1`.execute(db)
  ).rows[0]
}
