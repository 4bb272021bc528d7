import { type Kysely, type SqlBool, sql, type Transaction } from 'kysely'
import type { CasesTable, DB } from '../../db/types.ts'
import { pageWithTotal } from '../../db/paging.ts'
import { regionIdUnder } from '../../platform/policy.ts'

type Executor = Kysely<DB> | Transaction<DB>

/** Channels whose reporters are always called back (they reached us by voice, not by a screen). */
const CALLBACK_CHANNELS = ['hotline', 'walk_in'] as const

/**
 * The sample of the other channels: the first 8 hex digits of md5(case id), compared as text with the rate's own
 * 8 hex digits — the same answer in SQL and in `sampleHex` (callbacks.service.ts), fixed per case.
 */
const sampled = (threshold: string) => sql<SqlBool>`substr(md5(c.id::text), 1, 8) collate "C" < ${threshold}`

/** Replied, unrated cases whose reporter left a way to call them, and which the channel or the sample picks. */
function flagged(db: Executor, threshold: string) {
  return db
    .selectFrom('cases as c')
    .innerJoin('regions as r', 'r.id', 'c.region_id')
    .leftJoin('units as u', 'u.id', 'c.unit_id')
    .leftJoin('persons as p', 'p.id', 'c.reporter_person_id')
    .where('c.state', '=', 'replied')
    .where('c.rating', 'is', null)
    .where('c.reporter_kind', 'in', ['named', 'person'])
    .where((eb) => eb.or([eb('c.reporter_phone_enc', 'is not', null), eb('p.phone_enc', 'is not', null)]))
    .where((eb) => eb.or([eb('c.channel', 'in', [...CALLBACK_CHANNELS]), sampled(threshold)]))
}

/** Attempts (`callback` timeline rows) of a case that did not reach the reporter. */
const attempts = sql<number>`(select count(*)::int from case_events e where e.case_id = c.id and e.action = 'callback')`
const lastAttempt = sql<Date | null>`(select max(e.at) from case_events e where e.case_id = c.id and e.action = 'callback')`
const lastNote = sql<string | null>`(select e.note from case_events e where e.case_id = c.id and e.action = 'callback' order by e.at desc, e.id desc limit 1)`

/**
 * The 待回访 queue of a caller: flagged cases in their area that they did not handle themselves (not their unit's,
 * not theirs, not claimed by them), fewest attempts and oldest answers first.
 */
export async function callbackQueue(
  db: Executor,
  f: { regionPath: string; userId: string; unitId: string | null; levels: readonly CasesTable['level'][]; threshold: string; limit: number; offset: number },
) {
  const q = flagged(db, f.threshold)
    .where(regionIdUnder('c.region_id', f.regionPath))
    .where('c.level', 'in', f.levels.length ? [...f.levels] : ['none' as CasesTable['level']])
    .where((eb) => eb.or([eb('c.handler_id', 'is', null), eb('c.handler_id', '<>', f.userId)]))
    .where((eb) => eb.or([eb('c.claimed_by', 'is', null), eb('c.claimed_by', '<>', f.userId)]))
    .$if(!!f.unitId, (qb) => qb.where((eb) => eb.or([eb('c.unit_id', 'is', null), eb('c.unit_id', '<>', f.unitId!)])))
    .where(sql<SqlBool>`not exists (select 1 from case_events h where h.case_id = c.id and h.actor_id = ${f.userId} and h.action in ('accept', 'reply', 'resolve_on_spot', 'claim'))`)
    .select([
      'c.id',
      'c.number',
      'c.title',
      'c.channel',
      'c.replied_at',
      'c.reporter_name',
      'r.name as region_name',
      'u.name as unit_name',
      sql<string | null>`coalesce(c.reporter_phone_masked, p.phone_masked)`.as('phone_masked'),
      sql<boolean>`c.channel in ('hotline', 'walk_in')`.as('by_channel'),
      attempts.as('attempts'),
      lastAttempt.as('last_attempt_at'),
      lastNote.as('last_note'),
    ])
  return pageWithTotal(db, q, q.orderBy(attempts).orderBy('c.replied_at', 'asc').orderBy('c.id'), f)
}

/** What a callback needs to know of a case: its area, who handled it, how to reach the reporter. */
export async function callbackCase(db: Executor, caseId: string) {
  return db
    .selectFrom('cases as c')
    .innerJoin('regions as r', 'r.id', 'c.region_id')
    .leftJoin('persons as p', 'p.id', 'c.reporter_person_id')
    .select([
      'c.id',
      'c.state',
      'c.rating',
      'c.level',
      'c.channel',
      'c.region_id',
      'c.unit_id',
      'c.handler_id',
      'c.claimed_by',
      'c.reporter_kind',
      'c.reporter_phone_enc',
      'p.phone_enc as person_phone_enc',
      'r.path as region_path',
    ])
    .where('c.id', '=', caseId)
    .executeTakeFirst()
}

/** Whether a user accepted, answered, resolved or claimed a case at any time. */
export async function handledBy(db: Executor, caseId: string, userId: string) {
  const row = await db
    .selectFrom('case_events')
    .select('id')
    .where('case_id', '=', caseId)
    .where('actor_id', '=', userId)
    .where('action', 'in', ['accept', 'reply', 'resolve_on_spot', 'claim'])
    .limit(1)
    .executeTakeFirst()
  return !!row
}

export async function lockCase(db: Executor, caseId: string) {
  await sql`select id from cases where id = ${caseId} for update`.execute(db)
}

export async function countAttempts(db: Executor, caseId: string) {
  const r = await db
    .selectFrom('case_events')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('case_id', '=', caseId)
    .where('action', '=', 'callback')
    .where(sql<SqlBool>`data->>'outcome' = 'unreachable'`)
    .executeTakeFirstOrThrow()
  return r.n
}
