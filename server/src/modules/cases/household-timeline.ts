import type { TimelineItem } from '@minqing/common'
import type { TimelineSource } from '../archive/timeline.ts'
import { casesLinkedToHousehold, type LinkedCaseRow } from './household-timeline.repository.ts'

/**
 * 一事一表, the cases' part: every case the viewer may see that belongs to the household.
 *
 * Linked by structure: the reporter is one of its members, or the case was raised from a diary entry about the
 * household or a member (走访中提出). Linked by address, because cases carry their place only as text (there is
 * no household reference on a case): the case's address contains the household's address — as the archive
 * keeps it — and the case lies in the household's own village (a grid's household: its village), so
 * "下宅12号" of another village never matches. The match must not run into digits on either side
 * ("下宅12号" is not in "下宅112号"), and addresses shorter than 4 characters are too generic to match on.
 *
 * Access is the case list's rule (the viewer's area, unit, handling or claim), on top of the household being
 * visible to them; items carry no phone or ID number.
 */
const MIN_ADDRESS_LENGTH = 4
const LIMIT = 200

const isDigit = (ch: string | undefined) => !!ch && /[0-9０-９]/.test(ch)

/** Whether `text` holds `address` as a whole (not as part of a longer house number). */
export function mentionsAddress(text: string | null, address: string): boolean {
  if (!text || address.length < MIN_ADDRESS_LENGTH) return false
  for (let at = text.indexOf(address); at >= 0; at = text.indexOf(address, at + 1)) {
    if (!(isDigit(address[0]) && isDigit(text[at - 1])) && !(isDigit(address.at(-1)) && isDigit(text[at + address.length]))) return true
  }
  return false
}

/** The village a household belongs to (its own region when it sits above village level), as a path prefix. */
export function villagePathOf(regionPath: string): string {
  const codes = regionPath.split('/').filter(Boolean)
  // city / county / town / village / grid: the village is the 4th code.
  return '/' + codes.slice(0, Math.min(codes.length, 4)).join('/') + '/'
}

export const caseTimeline: TimelineSource = async (db, subject, viewer) => {
  const address = subject.address.trim()
  const members = new Set(subject.memberIds)
  const rows = await casesLinkedToHousehold(
    db,
    {
      householdId: subject.householdId,
      memberIds: subject.memberIds,
      address: address.length >= MIN_ADDRESS_LENGTH ? address : null,
      addressUnder: villagePathOf(subject.regionPath),
    },
    { userId: viewer.userId, regionPath: viewer.regionPath, unitId: viewer.unitId },
    LIMIT,
  )
  const items: TimelineItem[] = []
  for (const c of rows) {
    const why = reasons(c, subject.householdId, members, address)
    if (!why.length) continue // only the address narrowed it, and the match ran into a longer number
    const text = c.description.length > 120 ? c.description.slice(0, 120) + '…' : c.description
    items.push({
      at: c.created_at.toISOString(),
      kind: 'case',
      title: `${c.number} ${c.title}`,
      detail: `${why.join(' · ')}:${text}`,
      actorName: c.creator_name ?? null,
      ref: { type: 'case', id: c.id },
      state: c.state,
    })
  }
  return items
}

function reasons(c: LinkedCaseRow, householdId: string, members: Set<string>, address: string): string[] {
  const out: string[] = []
  if (c.reporter_person_id && members.has(c.reporter_person_id)) out.push(`本户成员${c.reporter_name ?? ''}反映`)
  if (c.diary_household_id === householdId || (c.diary_person_id && members.has(c.diary_person_id))) out.push('走访中提出')
  if (mentionsAddress(c.address, address)) out.push(`地点 ${c.address}`)
  return out
}
