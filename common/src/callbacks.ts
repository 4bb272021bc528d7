import Type from 'typebox'
import { CASE_CHANNELS, RATINGS } from './case-enums.ts'
import { IsoDateTime, Nullable, pagingFields, UuidSchema } from './schemas.ts'

// 回访: staff phone the reporter of a replied case and record the rating given on the phone (issue 12, defect 7).

/** How a call went: the reporter rated (the case's own `rate`, as if they had rated on the tracking page), or was not reached (try again). */
export const CALLBACK_OUTCOMES = ['rated', 'unreachable'] as const
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number]
/** Why a case is called back: its channel (hotline, walk-in), or the sample of the others (CALLBACK_SAMPLE_RATE). */
export const CALLBACK_REASONS = ['hotline', 'walk_in', 'sample'] as const
/** Result photos on a reply (or an on-the-spot resolution): at most this many. */
export const REPLY_PHOTOS_MAX = 9

export const CallbackBody = Type.Object(
  {
    outcome: Type.Enum(CALLBACK_OUTCOMES),
    /** Required when outcome is `rated`, refused when `unreachable`. */
    rating: Type.Optional(Type.Enum(RATINGS)),
    /** What the reporter said (becomes the rating's comment). */
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
    /** The caller's own note (e.g. 关机, 空号, 请下午再打). */
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
)
export type CallbackInput = Type.Static<typeof CallbackBody>

/** One case in the 待回访 queue: what the caller needs, nothing more (the phone is revealed on request, audited). */
export const CallbackItemSchema = Type.Object({
  caseId: UuidSchema,
  number: Type.String(),
  title: Type.String(),
  channel: Type.Enum(CASE_CHANNELS),
  reason: Type.Enum(CALLBACK_REASONS),
  regionName: Type.String(),
  unitName: Nullable(Type.String()),
  reporterName: Nullable(Type.String()),
  reporterPhone: Nullable(Type.String({ description: 'masked' })),
  repliedAt: Nullable(IsoDateTime),
  /** Calls that did not reach the reporter so far. */
  attempts: Type.Integer(),
  lastAttemptAt: Nullable(IsoDateTime),
  lastNote: Nullable(Type.String()),
})
export type CallbackItem = Type.Static<typeof CallbackItemSchema>
export const CallbackListSchema = Type.Object({ items: Type.Array(CallbackItemSchema), total: Type.Integer() })
export type CallbackList = Type.Static<typeof CallbackListSchema>
export const CallbackListQuery = Type.Object({ ...pagingFields(200, 50) }, { additionalProperties: false })

export const CallbackResultSchema = Type.Object({
  outcome: Type.Enum(CALLBACK_OUTCOMES),
  /** The case's state after the call (closed or reopened after a rating; still replied when unreachable). */
  state: Type.String(),
  attempts: Type.Integer(),
})
export type CallbackResult = Type.Static<typeof CallbackResultSchema>
export const CallbackPhoneSchema = Type.Object({ phone: Type.String() })

/**
 * The 8 hex digits a sample rate stands for: a case is sampled when the first 8 hex digits of md5(its id) sort
 * below them — fixed per case, the same in SQL and in JavaScript. Rate 1 ('g', above every hex digit): all.
 */
export function sampleThreshold(rate: number): string {
  const r = Math.min(1, Math.max(0, rate))
  if (r >= 1) return 'g'
  return Math.floor(r * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0')
}
