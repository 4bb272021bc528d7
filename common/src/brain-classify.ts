import Type, { type Static } from 'typebox'
import { UuidSchema } from './schemas.ts'

/** POST /api/brain/classify (and the 民情码 page's /api/public/classify): any text, top-3 categories. */
export const ClassifyBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 5000 }),
    /** `sub` (default): sub-categories; `top`: the 13 top-level categories, sub-category scores summed. */
    level: Type.Optional(Type.Union([Type.Literal('sub'), Type.Literal('top')])),
  },
  { additionalProperties: false },
)
export const ClassifySuggestionSchema = Type.Object({ categoryCode: Type.String(), name: Type.String(), score: Type.Number({ minimum: 0, maximum: 1 }) })
export type ClassifySuggestion = Static<typeof ClassifySuggestionSchema>
export const ClassifyResultSchema = Type.Object({
  suggestions: Type.Array(ClassifySuggestionSchema, { description: 'best first, at most 3; score is the posterior (0–1)' }),
  /** The emergency signals the text carries (火情, 燃气泄漏…): a case with any is taken in as 特急 and pushed. */
  emergencySignals: Type.Array(Type.String()),
})
export type ClassifyResult = Static<typeof ClassifyResultSchema>

/** POST /api/cases/:id/push: 一键推送 to the town's leaders and the county duty officer. */
export const CasePushBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })
export const CasePushResultSchema = Type.Object({
  caseId: UuidSchema,
  pushedTo: Type.Array(Type.Object({ userId: UuidSchema, name: Type.String(), why: Type.Union([Type.Literal('town_leader'), Type.Literal('duty_officer')]) })),
  at: Type.String({ format: 'date-time' }),
})
export type CasePushResult = Static<typeof CasePushResultSchema>
