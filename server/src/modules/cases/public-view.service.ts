import { type PublicCaseView, type RATINGS, stageOf, type CaseState, isPublicStep } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { notFound } from '../../platform/errors.ts'
import { residentActor } from './access.ts'
import type { CaseActions } from './actions.service.ts'
import * as repo from './cases.repository.ts'
import { dataOf } from './reads.service.ts'
import { answerPhotos } from '../result-photos/result-photos.ts'

const TRACKING_RE = /^[A-Z0-9]{6,16}$/

/** The resident's side of a case: its progress by tracking code, and their rating. */
export class CasePublicView {
  constructor(
    private db: Kysely<DB>,
    private actions: CaseActions,
  ) {}

  /** A case's progress for the resident holding its tracking code, in plain words; undefined when unknown. */
  async view(trackingCode: string): Promise<PublicCaseView | undefined> {
    if (!TRACKING_RE.test(trackingCode)) return undefined
    const ref = await repo.findCaseIdByTracking(this.db, trackingCode)
    if (!ref) return undefined
    const c = (await repo.findCase(this.db, ref.id))!
    const events = await repo.eventsOf(this.db, c.id)
    const shown = events.filter((e) => isPublicStep(e.action) && !(e.action === 'approve_extension' && !dataOf(e).approved))
    const answer = [...events].reverse().find((e) => ['reply', 'resolve_on_spot', 'answered_via_merge'].includes(e.action) && e.note)
    // The case holds the rating of its current answer only; an earlier one (不满意, then reopened) is its timeline row's.
    const lastRate = c.rating ? undefined : [...events].reverse().find((e) => e.action === 'rate' && typeof dataOf(e).rating === 'string')
    return {
      number: c.number,
      trackingCode: c.tracking_code!,
      title: c.title,
      description: c.description,
      regionName: c.region_name,
      category: c.category_name ?? null,
      stage: stageOf(c.state as CaseState),
      createdAt: c.created_at.toISOString(),
      reply:
        c.state === 'replied' || c.state === 'closed' || c.state === 'merged'
          ? answer
            ? { text: answer.note!, at: answer.at.toISOString(), photos: await this.photosOf(c.id, answer, c.tracking_code!) }
            : null
          : null,
      rating: c.rating,
      ratingComment: c.rating_comment,
      previousRating: lastRate ? { rating: dataOf(lastRate).rating as (typeof RATINGS)[number], comment: lastRate.note, at: lastRate.at.toISOString() } : null,
      canRate: c.state === 'replied' && !c.rating,
      steps: shown.map((e) => {
        const d = dataOf(e)
        return {
          action: e.action,
          at: e.at.toISOString(),
          // Only what the resident should read: the answer, a refusal's reason, an escalation's level.
          text: ['reply', 'resolve_on_spot', 'answered_via_merge', 'reject'].includes(e.action) ? e.note : e.action === 'escalate' ? String(e.to_state ?? '') || null : null,
          unit: e.action === 'dispatch' || e.action === 'transfer' ? ((d.unitName as string | undefined) ?? null) : null,
        }
      }),
    }
  }

  /** The answer's result photos; an answer that came through a merged case shows that case's none. */
  private async photosOf(caseId: string, answer: { id: string | number; action: string }, trackingCode: string) {
    return answer.action === 'answered_via_merge' ? [] : answerPhotos(this.db, { caseId, eventId: String(answer.id), trackingCode })
  }

  /** The resident rates their case through its tracking code: the case's own `rate` action, on their behalf. */
  async rate(trackingCode: string, body: { rating: (typeof RATINGS)[number]; comment?: string }, now = new Date()) {
    const ref = TRACKING_RE.test(trackingCode) ? await repo.findCaseIdByTracking(this.db, trackingCode) : undefined
    if (!ref) throw notFound('事项')
    await this.actions.transition(residentActor(ref.id), ref.id, 'rate', body, now)
    return (await this.view(trackingCode))!
  }
}
