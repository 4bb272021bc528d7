import type { PublicStage } from '@minqing/common'

/** Vant tag colours of a report's progress as its reporter reads it. */
export const STAGE_TAG: Record<PublicStage, 'primary' | 'success' | 'warning' | 'danger' | 'default'> = {
  received: 'primary',
  in_progress: 'warning',
  replied: 'success',
  closed: 'default',
  rejected: 'danger',
  merged: 'default',
}
