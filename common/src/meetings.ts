import Type from 'typebox'
import { CASE_URGENCIES } from './case-enums.ts'
import { IsoDateTime, Name, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'
import { DateOnly } from './teams.ts'

/**
 * 民情分析会 / 民情月商会 / 议事会 (issue 16): a meeting of a region on a date, with attendees (users and free-text
 * guests), the weekly report it discussed (region code + ISO week, served by /api/reports/weekly), minutes and
 * decisions. Each decision has an owner and a due date and becomes a case (case intake, then dispatched to the
 * owner unit) or a task (tasks service); the next meeting of the same kind and region shows the previous one's open
 * decisions with their live progress.
 */
export const MEETING_KINDS = ['analysis', 'monthly', 'council'] as const
export type MeetingKind = (typeof MEETING_KINDS)[number]
export const MEETING_KIND_LABELS_ZH: Record<MeetingKind, string> = { analysis: '民情分析会', monthly: '民情月商会', council: '议事会' }
export const IsoWeek = Type.String({ pattern: '^\\d{4}-W(0[1-9]|[1-4]\\d|5[0-3])$', description: 'ISO week, e.g. 2026-W47' })

const Text = (maxLength: number) => Type.String({ maxLength })

export const CreateMeetingBody = Type.Object(
  {
    kind: Type.Enum(MEETING_KINDS),
    regionCode: RegionCodeSchema,
    heldOn: DateOnly,
    title: Type.Optional(Text(120)),
    place: Type.Optional(Text(200)),
    attendeeIds: Type.Optional(Type.Array(UuidSchema, { maxItems: 200, uniqueItems: true })),
    guests: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 100 })),
    /** The weekly report discussed: its region and ISO week (both or neither). */
    reportRegionCode: Type.Optional(Nullable(RegionCodeSchema)),
    reportWeek: Type.Optional(Nullable(IsoWeek)),
    minutes: Type.Optional(Text(20000)),
  },
  { additionalProperties: false },
)
export type CreateMeeting = Type.Static<typeof CreateMeetingBody>
export const UpdateMeetingBody = Type.Partial(Type.Omit(CreateMeetingBody, ['kind', 'regionCode']), { additionalProperties: false })
export type UpdateMeeting = Type.Static<typeof UpdateMeetingBody>

export const AddDecisionBody = Type.Object(
  {
    content: Name(2000),
    /** The unit that owns it (required to turn it into a case). */
    ownerUnitId: Type.Optional(Nullable(UuidSchema)),
    /** Free-text owner (a person or a team) when no unit owns it. */
    ownerName: Type.Optional(Text(60)),
    dueDate: DateOnly,
  },
  { additionalProperties: false },
)
export type AddDecision = Type.Static<typeof AddDecisionBody>

/** 转为事项: raised through the case intake in the meeting's region and dispatched to the decision's owner unit. */
export const DecisionToCaseBody = Type.Object(
  {
    title: Name(100),
    categoryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    urgency: Type.Optional(Type.Enum(CASE_URGENCIES)),
  },
  { additionalProperties: false },
)
export type DecisionToCase = Type.Static<typeof DecisionToCaseBody>
/** 转为任务: published through the tasks service in the meeting's region; it ends by the due date. */
export const DecisionToTaskBody = Type.Object(
  {
    title: Name(80),
    startsAt: IsoDateTime,
    slots: Type.Integer({ minimum: 1, maximum: 10000 }),
    place: Type.Optional(Text(200)),
  },
  { additionalProperties: false },
)
export type DecisionToTask = Type.Static<typeof DecisionToTaskBody>
export const DecisionParams = Type.Object({ id: UuidSchema, decisionId: UuidSchema })

export const DecisionSchema = Type.Object({
  id: UuidSchema,
  seq: Type.Integer(),
  content: Type.String(),
  ownerUnitId: Nullable(UuidSchema),
  ownerUnitName: Nullable(Type.String()),
  ownerName: Type.String(),
  dueDate: Type.String(),
  /** none: not yet turned into work; case / task: what it became. */
  kind: Type.Union([Type.Literal('none'), Type.Literal('case'), Type.Literal('task')]),
  caseId: Nullable(UuidSchema),
  caseNumber: Nullable(Type.String()),
  caseState: Nullable(Type.String()),
  caseDueAt: Nullable(IsoDateTime),
  taskId: Nullable(UuidSchema),
  taskTitle: Nullable(Type.String()),
  taskState: Nullable(Type.String()),
  /** Still open: not turned into work, or its case/task not finished. */
  open: Type.Boolean(),
  overdue: Type.Boolean(),
})
export type Decision = Type.Static<typeof DecisionSchema>

const MeetingFields = {
  id: UuidSchema,
  kind: Type.Enum(MEETING_KINDS),
  regionCode: Type.String(),
  regionName: Type.String(),
  heldOn: Type.String(),
  title: Type.String(),
  place: Type.String(),
  reportRegionCode: Nullable(Type.String()),
  reportWeek: Nullable(Type.String()),
}
export const MeetingSummarySchema = Type.Object({ ...MeetingFields, decisions: Type.Integer(), openDecisions: Type.Integer() })
export type MeetingSummary = Type.Static<typeof MeetingSummarySchema>
export const MeetingListSchema = Type.Object({ items: Type.Array(MeetingSummarySchema), total: Type.Integer() })
export const MeetingListQuery = Type.Object({ regionCode: Type.Optional(RegionCodeSchema), kind: Type.Optional(Type.Enum(MEETING_KINDS)) }, { additionalProperties: false })

export const MeetingSchema = Type.Object({
  ...MeetingFields,
  minutes: Type.String(),
  guests: Type.Array(Type.String()),
  attendees: Type.Array(Type.Object({ userId: UuidSchema, name: Type.String() })),
  decisions: Type.Array(DecisionSchema),
  /** The previous meeting of the same kind and region, with its decisions still open (their progress now). */
  previous: Nullable(Type.Object({ id: UuidSchema, heldOn: Type.String(), title: Type.String(), openDecisions: Type.Array(DecisionSchema) })),
  canWrite: Type.Boolean(),
})
export type Meeting = Type.Static<typeof MeetingSchema>

/** Who may attend and which units may own decisions, for a meeting of a region (the caller's area). */
export const MeetingChoicesQuery = Type.Object({ regionCode: RegionCodeSchema }, { additionalProperties: false })
export const MeetingChoicesSchema = Type.Object({
  staff: Type.Array(Type.Object({ id: UuidSchema, name: Type.String(), regionName: Type.String() })),
  units: Type.Array(Type.Object({ id: UuidSchema, name: Type.String(), kind: Type.String(), regionName: Type.String() })),
})
export type MeetingChoices = Type.Static<typeof MeetingChoicesSchema>
