/**
 * The 回访 dialog's form: how the call went (rated / unreachable), the rating heard on the phone — never
 * preselected, a default would put words in the reporter's mouth —, their words and the caller's note.
 */
import type { CallbackInput, CallbackOutcome } from '@minqing/common'

export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied'
export const CALLBACK_RATINGS: readonly Rating[] = ['satisfied', 'basically_satisfied', 'unsatisfied']

export interface CallbackForm {
  outcome: CallbackOutcome | undefined
  rating: Rating | undefined
  comment: string
  note: string
}

export const emptyCallbackForm = (): CallbackForm => ({ outcome: undefined, rating: undefined, comment: '', note: '' })

/** What is missing, as `{ field: i18n key }`; empty: ready to send. */
export function callbackProblems(f: CallbackForm): Partial<Record<'outcome' | 'rating' | 'comment' | 'note', string>> {
  const out: Partial<Record<'outcome' | 'rating' | 'comment' | 'note', string>> = {}
  if (!f.outcome) out.outcome = 'callbacks.form.pickOutcome'
  if (f.outcome === 'rated' && !f.rating) out.rating = 'callbacks.form.pickRating'
  if (f.comment.trim().length > 1000) out.comment = 'cases.form.tooLong'
  if (f.note.trim().length > 1000) out.note = 'cases.form.tooLong'
  return out
}

/** The request body: the rating and the reporter's words only when they rated. */
export function buildCallbackBody(f: CallbackForm): CallbackInput {
  const note = f.note.trim() || undefined
  if (f.outcome === 'rated') return { outcome: 'rated', rating: f.rating!, ...(f.comment.trim() ? { comment: f.comment.trim() } : {}), ...(note ? { note } : {}) }
  return { outcome: 'unreachable', ...(note ? { note } : {}) }
}
