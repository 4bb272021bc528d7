import Type from 'typebox'
import { CASE_URGENCIES } from './case-enums.ts'
import { IsoDateTime, Name, Nullable, RegionCodeSchema, UuidSchema } from './schemas.ts'
import { TASK_AUDIENCES } from './tasks.ts'
import { DateOnly, TimeOfDay } from './teams.ts'

/**
 * 民情日, 民情角, 青春民情活动日 (issue 15): an activity at a place of a region, once or on a weekly/monthly rule,
 * hosted by a team; published, it is announced in-app to its audience and gets a WeChat text and a poster; each
 * session (one date) has a 服务台账: who came, what was raised, answered on the spot, or became a case or a task.
 */
export const ACTIVITY_KINDS = ['minqing_day', 'minqing_corner', 'youth_day', 'other'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]
export const ACTIVITY_RECURRENCES = ['once', 'weekly', 'monthly'] as const
/** Who is told: the area's volunteers, everyone with an account in the area (the WeChat text reaches residents), or one team. */
export const ACTIVITY_AUDIENCES = ['volunteers', 'residents', 'team'] as const
export const ACTIVITY_STATES = ['draft', 'published', 'cancelled'] as const
/** A ledger item's outcome: only noted, answered on the spot, or became a case / a task. */
export const LEDGER_OUTCOMES = ['noted', 'answered', 'case', 'task'] as const
export type LedgerOutcome = (typeof LEDGER_OUTCOMES)[number]

const Text = (maxLength: number) => Type.String({ maxLength })

export const CreateActivityBody = Type.Object(
  {
    title: Name(80),
    kind: Type.Enum(ACTIVITY_KINDS),
    regionCode: RegionCodeSchema,
    place: Type.Optional(Text(100)),
    description: Type.Optional(Text(2000)),
    recurrence: Type.Enum(ACTIVITY_RECURRENCES),
    /** The date (once), or the first date the rule applies from. */
    date: DateOnly,
    until: Type.Optional(Nullable(DateOnly)),
    /** weekly: ISO weekdays 1 (Mon) … 7 (Sun). */
    weekdays: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true })),
    /** monthly: the day of the month, 1–28 (every month has it). */
    monthDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 28 })),
    start: TimeOfDay,
    end: TimeOfDay,
    teamId: Type.Optional(Nullable(UuidSchema)),
    audience: Type.Enum(ACTIVITY_AUDIENCES),
  },
  { additionalProperties: false },
)
export type CreateActivity = Type.Static<typeof CreateActivityBody>

export const ActivitySchema = Type.Object({
  id: UuidSchema,
  title: Type.String(),
  kind: Type.Enum(ACTIVITY_KINDS),
  regionCode: Type.String(),
  regionName: Type.String(),
  place: Type.String(),
  description: Type.String(),
  recurrence: Type.Enum(ACTIVITY_RECURRENCES),
  date: Type.String(),
  until: Nullable(Type.String()),
  weekdays: Type.Array(Type.Integer()),
  monthDay: Nullable(Type.Integer()),
  start: Type.String(),
  end: Type.String(),
  teamId: Nullable(UuidSchema),
  teamName: Nullable(Type.String()),
  audience: Type.Enum(ACTIVITY_AUDIENCES),
  state: Type.Enum(ACTIVITY_STATES),
  publishedAt: Nullable(IsoDateTime),
  /** The next dates (up to 5) from today on. */
  nextDates: Type.Array(Type.String()),
  sessionCount: Type.Integer(),
})
export type Activity = Type.Static<typeof ActivitySchema>
export const ActivityListQuery = Type.Object(
  { regionCode: Type.Optional(RegionCodeSchema), state: Type.Optional(Type.Enum(ACTIVITY_STATES)), upcoming: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
)
export const ActivityListSchema = Type.Object({ items: Type.Array(ActivitySchema), total: Type.Integer() })

/** What publishing produces: the in-app notices sent, the WeChat text, and what the poster shows (its QR opens the area's public report page). */
export const AnnouncementSchema = Type.Object({
  activity: ActivitySchema,
  notified: Type.Integer(),
  wechatText: Type.String(),
  poster: Type.Object({
    title: Type.String(),
    kindLabel: Type.String(),
    when: Type.String(),
    place: Type.String(),
    host: Nullable(Type.String()),
    regionName: Type.String(),
    reportUrl: Type.String(),
    qrPngUrl: Type.String(),
  }),
})
export type Announcement = Type.Static<typeof AnnouncementSchema>

export const SessionParams = Type.Object({ id: UuidSchema, date: DateOnly })
export const SaveSessionBody = Type.Object(
  {
    attendeeIds: Type.Optional(Type.Array(UuidSchema, { maxItems: 500, uniqueItems: true })),
    residentsCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    notes: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
)
export type SaveSession = Type.Static<typeof SaveSessionBody>

export const AddLedgerItemBody = Type.Object(
  {
    content: Type.String({ minLength: 1, maxLength: 2000 }),
    raisedBy: Type.Optional(Text(40)),
    outcome: Type.Enum(LEDGER_OUTCOMES),
    /** answered: what was said on the spot (required). */
    answer: Type.Optional(Text(2000)),
    /** case: raised through the case intake (channel walk_in) in the activity's region. */
    case: Type.Optional(
      Type.Object(
        {
          title: Name(100),
          categoryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          urgency: Type.Optional(Type.Enum(CASE_URGENCIES)),
          reporterPhone: Type.Optional(Type.String({ maxLength: 20 })),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * task: published through the tasks service in the activity's region, for `audience` (default any); audience
     * team: `teamId`, else the activity's host team.
     */
    task: Type.Optional(
      Type.Object(
        {
          title: Name(80),
          slots: Type.Integer({ minimum: 1, maximum: 100 }),
          startsAt: IsoDateTime,
          endsAt: IsoDateTime,
          hours: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          points: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
          audience: Type.Optional(Type.Enum(TASK_AUDIENCES)),
          teamId: Type.Optional(UuidSchema),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
export type AddLedgerItem = Type.Static<typeof AddLedgerItemBody>

export const LedgerItemSchema = Type.Object({
  id: UuidSchema,
  content: Type.String(),
  raisedBy: Nullable(Type.String()),
  outcome: Type.Enum(LEDGER_OUTCOMES),
  answer: Nullable(Type.String()),
  caseId: Nullable(UuidSchema),
  caseNumber: Nullable(Type.String()),
  caseState: Nullable(Type.String()),
  taskId: Nullable(UuidSchema),
  taskTitle: Nullable(Type.String()),
  createdAt: IsoDateTime,
})
export type LedgerItem = Type.Static<typeof LedgerItemSchema>
export const SessionSchema = Type.Object({
  id: UuidSchema,
  activityId: UuidSchema,
  activityTitle: Type.String(),
  date: Type.String(),
  residentsCount: Type.Integer(),
  notes: Type.String(),
  attendees: Type.Array(Type.Object({ userId: UuidSchema, name: Type.String(), roles: Type.Array(Type.String()) })),
  items: Type.Array(LedgerItemSchema),
})
export type ActivitySession = Type.Static<typeof SessionSchema>
export const SessionListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: UuidSchema,
      date: Type.String(),
      residentsCount: Type.Integer(),
      attendees: Type.Integer(),
      items: Type.Integer(),
      cases: Type.Integer(),
      tasks: Type.Integer(),
      answered: Type.Integer(),
    }),
  ),
})
export const LedgerExportQuery = Type.Object({ regionCode: Type.Optional(RegionCodeSchema), from: DateOnly, to: DateOnly }, { additionalProperties: false })
