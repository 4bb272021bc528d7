/** Roles a user may hold (several at once). Names follow ARCHITECTURE.md §2. */
export const ROLES = ['admin', 'leader', 'town_handler', 'dept_handler', 'village_cadre', 'grid_worker', 'stationed_cadre', 'volunteer'] as const
export type Role = (typeof ROLES)[number]

/** Where a stationed cadre (三驻干部) is stationed. */
export const STATIONS = ['village', 'community', 'enterprise'] as const
export type Station = (typeof STATIONS)[number]

export const REGION_LEVELS = ['city', 'county', 'town', 'village', 'grid'] as const
export type RegionLevel = (typeof REGION_LEVELS)[number]

export const UNIT_KINDS = ['department', 'town_office', 'village_committee', 'enterprise', 'partner'] as const
export type UnitKind = (typeof UNIT_KINDS)[number]

/** Stable error codes: every 4xx body carries one of these in error.code. */
export const ERROR_CODES = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INVALID_JSON: 'INVALID_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  UNKNOWN_REGION: 'UNKNOWN_REGION',
  UNKNOWN_UNIT: 'UNKNOWN_UNIT',
  PHONE_TAKEN: 'PHONE_TAKEN',
  REGION_CODE_TAKEN: 'REGION_CODE_TAKEN',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  INVALID_ROLE_SETUP: 'INVALID_ROLE_SETUP',
  CONFLICT: 'CONFLICT',
  UNKNOWN_TAG: 'UNKNOWN_TAG',
  TAG_NOT_APPLICABLE: 'TAG_NOT_APPLICABLE',
  TAG_TAKEN: 'TAG_TAKEN',
  INVALID_ID_NUMBER: 'INVALID_ID_NUMBER',
  INVALID_PHONE: 'INVALID_PHONE',
  INVALID_CREDIT_CODE: 'INVALID_CREDIT_CODE',
  INVALID_REGION_LEVEL: 'INVALID_REGION_LEVEL',
  DUPLICATE_ID_NUMBER: 'DUPLICATE_ID_NUMBER',
  /** An ID number sent in a URL (logs, proxies, history keep URLs): search with POST /api/persons/search. */
  ID_NUMBER_IN_URL: 'ID_NUMBER_IN_URL',
  DUPLICATE_HOUSEHOLD: 'DUPLICATE_HOUSEHOLD',
  DUPLICATE_CREDIT_CODE: 'DUPLICATE_CREDIT_CODE',
  UNKNOWN_HOUSEHOLD: 'UNKNOWN_HOUSEHOLD',
  UNKNOWN_USER: 'UNKNOWN_USER',
  UNSUPPORTED_FILE: 'UNSUPPORTED_FILE',
  UNKNOWN_COLUMNS: 'UNKNOWN_COLUMNS',
  TOO_MANY_ROWS: 'TOO_MANY_ROWS',
  /** A spreadsheet too big or too slow to read (413): too many columns, shared strings or uncompressed bytes. */
  SHEET_TOO_LARGE: 'SHEET_TOO_LARGE',
  CLIENT_ID_REUSED: 'CLIENT_ID_REUSED',
  FUTURE_DATE: 'FUTURE_DATE',
  TOO_MANY_PHOTOS: 'TOO_MANY_PHOTOS',
  VISIT_DAY_TAKEN: 'VISIT_DAY_TAKEN',
  INVALID_TRANSITION: 'invalid_transition',
  UNKNOWN_CATEGORY: 'UNKNOWN_CATEGORY',
  RETURN_WINDOW_CLOSED: 'RETURN_WINDOW_CLOSED',
  EXTENSION_LIMIT: 'EXTENSION_LIMIT',
  TOP_LEVEL: 'TOP_LEVEL',
  NOT_REPORTER: 'NOT_REPORTER',
  CASE_CLOSED: 'CASE_CLOSED',
  CONCERN_ALREADY_RAISED: 'CONCERN_ALREADY_RAISED',
  CATEGORY_TAKEN: 'CATEGORY_TAKEN',
  // Result photos on an answer (photoIds): not this case's, not the answerer's own, already a report's or an answer's.
  UNKNOWN_PHOTO: 'UNKNOWN_PHOTO',
  NOT_OWN_PHOTO: 'NOT_OWN_PHOTO',
  PHOTO_NOT_ATTACHABLE: 'PHOTO_NOT_ATTACHABLE',
  /** 回访: the reporter left no phone to call. */
  NO_PHONE: 'NO_PHONE',
  // Public report doors (民情码): the signed form token, and limits per IP / phone.
  FORM_TOKEN_MISSING: 'FORM_TOKEN_MISSING',
  FORM_TOKEN_INVALID: 'FORM_TOKEN_INVALID',
  FORM_TOKEN_EXPIRED: 'FORM_TOKEN_EXPIRED',
  FORM_TOKEN_USED: 'FORM_TOKEN_USED',
  FORM_TOO_FAST: 'FORM_TOO_FAST',
  RATE_LIMITED: 'RATE_LIMITED',
  // Cases from other platforms: import sources and the push API's keys.
  UNKNOWN_SOURCE: 'UNKNOWN_SOURCE',
  SOURCE_TAKEN: 'SOURCE_TAKEN',
  INVALID_API_KEY: 'INVALID_API_KEY',
  /** An import row or pushed item names (source, externalId) of a case outside the caller's area: refused, unchanged. */
  OUT_OF_AREA: 'OUT_OF_AREA',
  // 先锋任务 (issue 15): the claim's conflicts, answered with these exact codes.
  TASK_FULL: 'task_full',
  ALREADY_CLAIMED: 'already_claimed',
  TASK_STARTED: 'task_started',
  AUDIENCE_RESERVED: 'audience_reserved',
  TASK_CANCELLED: 'task_cancelled',
  PERSONAL_DATA: 'personal_data',
  // Teams and activities (issue 15): a member who is not a volunteer residing in the team's area; a team out of sight; a date not of the schedule.
  MEMBER_NOT_ELIGIBLE: 'MEMBER_NOT_ELIGIBLE',
  UNKNOWN_TEAM: 'UNKNOWN_TEAM',
  NOT_A_SESSION_DATE: 'NOT_A_SESSION_DATE',
  /** 民情分析会 (issue 16): a week that is not an ISO week (2026-W47), or one that has not begun. */
  INVALID_WEEK: 'INVALID_WEEK',
  /** 考核评价 (issue 16): a formula version may only start this month or later (past months keep theirs). */
  FORMULA_PAST_MONTH: 'FORMULA_PAST_MONTH',
  /** 考核评价: the month's awards are published already (frozen). */
  AWARDS_PUBLISHED: 'AWARDS_PUBLISHED',
  /** 一键推送 (issue 14): the case was pushed to the town leader and duty officer a few minutes ago already. */
  ALREADY_PUSHED: 'ALREADY_PUSHED',
  /** Meetings (issue 16): the decision became a case or a task already. */
  DECISION_CONVERTED: 'DECISION_CONVERTED',
  /** Pacts (issue 16): items change only while negotiating (谈约); a log entry's case, task or item is not in sight. */
  PACT_LOCKED: 'PACT_LOCKED',
  UNKNOWN_CASE: 'UNKNOWN_CASE',
  UNKNOWN_TASK: 'UNKNOWN_TASK',
  UNKNOWN_ITEM: 'UNKNOWN_ITEM',
  INTERNAL: 'INTERNAL',
} as const
export type ErrorCode = keyof typeof ERROR_CODES

/** List totals are counted up to this; the API answers LIST_TOTAL_CAP + 1 for "more than LIST_TOTAL_CAP". */
export const LIST_TOTAL_CAP = 10_000
