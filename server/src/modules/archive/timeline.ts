import type { TimelineItem } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import type { Actor } from '../../platform/policy.ts'

/**
 * 一事一表: a household's timeline is assembled from every module that has rows about it. The archive
 * contributes its own changes and documents; the diary, cases and tasks modules add a source here when
 * they land (`addTimelineSource` in their wiring), and the household page shows them with no change.
 *
 * The household itself has been checked visible to the viewer before any source runs. A source whose rows
 * have their own access rule (cases: the viewer's area, unit, handling) applies it with `viewer`.
 */
export interface TimelineSubject {
  householdId: string
  memberIds: string[]
  /** The household's address as kept in the archive, and its region's materialized path. */
  address: string
  regionPath: string
}
export type TimelineSource = (db: Kysely<DB>, subject: TimelineSubject, viewer: Actor) => Promise<TimelineItem[]>

const sources: TimelineSource[] = []

export function addTimelineSource(source: TimelineSource) {
  if (!sources.includes(source)) sources.push(source)
}

export async function collectTimeline(db: Kysely<DB>, subject: TimelineSubject, viewer: Actor, limit = 200) {
  const parts = await Promise.all(sources.map((s) => s(db, subject, viewer)))
  return parts
    .flat()
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, limit)
}
