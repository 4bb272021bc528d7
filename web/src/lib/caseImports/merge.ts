/** Merging a duplicate from the case page: the newer case is merged into the older one (their merge action). */
import type { SimilarCase } from '@minqing/common'

export interface MergePlan {
  /** The case the merge action runs on (the newer one). */
  caseId: string
  /** …merged into this one (the older one). */
  intoCaseId: string
  /** 'here': the other case comes into the one on screen (合并到此); 'there': the one on screen goes into the other. */
  direction: 'here' | 'there'
}

interface Shown {
  id: string
  createdAt: string
  allowedActions: readonly string[]
}

/** The merge to offer for a similar case, or null when the caller may not merge the newer one. */
export function mergePlan(current: Shown, other: Pick<SimilarCase, 'id' | 'createdAt' | 'allowedActions'>): MergePlan | null {
  const otherNewer = Date.parse(other.createdAt) > Date.parse(current.createdAt) || (other.createdAt === current.createdAt && other.id > current.id)
  if (otherNewer) return other.allowedActions.includes('merge') ? { caseId: other.id, intoCaseId: current.id, direction: 'here' } : null
  return current.allowedActions.includes('merge') ? { caseId: current.id, intoCaseId: other.id, direction: 'there' } : null
}

/** Similarity as a percentage for the list. */
export const scorePercent = (score: number) => `${Math.round(Math.max(0, Math.min(1, score)) * 100)}%`

/** A case still being worked on (the similar-cases panel is shown for these only): the lifecycle table's open states. */
export { isOpenState } from '@minqing/common'
