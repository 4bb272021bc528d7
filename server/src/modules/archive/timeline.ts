import type { TimelineItem } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'

/**
 * 一事一表: a household's timeline is assembled from every module that has rows about it. The archive
 * contributes its own changes and documents; the diary, cases and tasks modules add a source here when
 * they land (`addTimelineSource` in their index.ts), and the household page shows them with no change.
 */
export type TimelineSource = (db: Kysely<DB>, subject: { householdId: string; memberIds: string[] }) => Promise<TimelineItem[]>

const sources: TimelineSource[] = []

export function addTimelineSource(source: TimelineSource) {
  if (!sources.includes(source)) sources.push(source)
}

export async function collectTimeline(db: Kysely<DB>, subject: { householdId: string; memberIds: string[] }, limit = 200) {
  const parts = await Promise.all(sources.map((s) => s(db, subject)))
  return parts
    .flat()
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, limit)
}
