// Diary constants, free of TypeBox (see archive-enums.ts).
export const DIARY_KINDS = ['village', 'community', 'enterprise'] as const
export type DiaryKind = (typeof DIARY_KINDS)[number]
export const MOODS = ['calm', 'concerned', 'anxious', 'angry', 'pleased'] as const
export const URGENCIES = ['normal', 'urgent', 'emergency'] as const
export const REVIEW_MARKS = ['none', 'reviewed', 'good_example'] as const
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export const PHOTO_MAX_BYTES = 8 * 1024 * 1024
export const DIARY_MAX_PHOTOS = 9

/** What a visit rule counts (民情大走访 quotas). */
export const VISIT_RULE_MEASURES = [
  /** at least N visits (diary entries with a household or enterprise) per period */
  'visits',
  /** at least N % of the households of the cadre's village visited in the period */
  'household_share',
  /** every household of the cadre's village visited within the period */
  'all_households',
] as const
export const VISIT_PERIODS = ['week', 'month', 'half_year', 'year'] as const
