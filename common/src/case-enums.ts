// Case constants, free of TypeBox (see archive-enums.ts).
/** `volunteer`: a volunteer's 随手报 from the phone, under their own name and phone (issue 15). */
export const CASE_CHANNELS = ['diary', 'qr', 'hotline', 'open311', 'import', 'platform', 'walk_in', 'volunteer'] as const
export const CASE_URGENCIES = ['normal', 'urgent', 'emergency'] as const
export const CASE_LEVELS = ['grid', 'village', 'town', 'county'] as const
export type CaseLevel = (typeof CASE_LEVELS)[number]
export const CASE_STATES = ['new', 'dispatched', 'accepted', 'replied', 'closed', 'returned', 'extension_requested', 'escalated', 'reopened', 'rejected', 'merged'] as const
export type CaseState = (typeof CASE_STATES)[number]
export const CASE_ACTIONS = [
  'dispatch',
  'accept',
  'return',
  'transfer',
  'extend',
  'approve_extension',
  'escalate',
  'claim',
  'urge',
  'supervise',
  'reply',
  'rate',
  'reopen',
  'merge',
  'reject',
  'resolve_on_spot',
] as const
export type CaseAction = (typeof CASE_ACTIONS)[number]
export const SUPERVISION_LEVELS = ['normal', 'yellow', 'red'] as const
export const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const
/** A case's progress in a resident's words: 已收到 / 办理中 / 已答复 / 已办结 / 不予受理 / 已并案. */
export const PUBLIC_STAGES = ['received', 'in_progress', 'replied', 'closed', 'rejected', 'merged'] as const
export type PublicStage = (typeof PUBLIC_STAGES)[number]
/** Photos on a case: at most this many, each at most CASE_PHOTO_MAX_BYTES. */
export const CASE_MAX_FILES = 30
export const CASE_PHOTO_MAX_BYTES = 8 * 1024 * 1024
export const CASE_PHOTOS_PER_REPORT = 9
export const CASE_QUEUES = ['to_accept', 'in_progress', 'due_soon', 'overdue', 'to_rate', 'supervised_by_me', 'to_dispatch', 'to_approve', 'callback', 'mine'] as const

/** The default taxonomy's top level (codes fixed by the cases issue). */
export const TOP_CATEGORIES = [
  ['traffic', '道路交通'],
  ['housing', '住房建设与物业'],
  ['environment', '环境卫生'],
  ['utilities', '水电气'],
  ['agriculture', '农业农村'],
  ['dispute', '矛盾纠纷'],
  ['welfare', '社会保障与养老'],
  ['health', '医疗卫生'],
  ['education', '教育与未成年人'],
  ['enterprise', '企业服务'],
  ['labor', '劳动就业'],
  ['safety', '治安与安全'],
  ['other', '咨询与其他'],
] as const
