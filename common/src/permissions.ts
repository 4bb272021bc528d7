import type { Role } from './enums.ts'

/**
 * What each role may do beyond reading its own area. Services check permissions, never role names, so a
 * later issue can make this table configurable without touching them.
 */
export const PERMISSIONS = [
  'archive.read',
  'archive.write',
  'archive.import',
  'archive.reveal',
  'tags.manage',
  'diary.write',
  'diary.review',
  'visits.manage',
  'cases.raise',
  // 随手报 (issue 15): report a matter like a resident, under one's own name and phone (channel `volunteer`); without
  // cases.raise the holder reads only the cases they reported (no area reads).
  'cases.report',
  'cases.dispatch',
  'cases.supervise',
  'cases.claim',
  // 一键推送 (issue 14): push a visible case to the town's leaders and the county duty officer (leaders, admins, town handlers).
  'cases.push',
  // 回访: phone the reporter of an answered case and record the rating given on the phone (never one's own handling).
  'cases.callback',
  'categories.manage',
  // Every channel in: API keys, import sources, 民情码 posters (intake.manage); case imports from other platforms.
  'intake.manage',
  'cases.import',
  // The console's 审计日志 (who revealed, exported, changed what), read-only, scoped to the caller's area.
  'audit.read',
  // Statistics and the cockpit (issue 13), always of the caller's own area.
  'stats.read',
  // 先锋任务 (issue 15): volunteers read and claim the tasks of their residence area; staff publish and confirm at their area.
  'tasks.read',
  'tasks.claim',
  'tasks.publish',
  'tasks.confirm',
  // 考核评价 (issue 16): scores and awards of the caller's area; leaders and admins publish awards; county admins edit the formula.
  'evaluation.read',
  'evaluation.publish',
  'evaluation.formula',
  // 民情分析会 / 议事会 meetings and 契约化共建 pacts (issue 16): staff read their area's; town handlers, leaders and
  // admins hold meetings and hand out their decisions; they and community cadres run pacts.
  'meetings.read',
  'meetings.write',
  'pacts.read',
  'pacts.write',
] as const
export type Permission = (typeof PERMISSIONS)[number]

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    'archive.read',
    'archive.write',
    'archive.import',
    'archive.reveal',
    'tags.manage',
    'diary.write',
    'diary.review',
    'visits.manage',
    'cases.raise',
    'cases.dispatch',
    'cases.supervise',
    'cases.push',
    'categories.manage',
    'intake.manage',
    'cases.import',
    'audit.read',
    'stats.read',
    'tasks.read',
    'tasks.publish',
    'tasks.confirm',
    'evaluation.read',
    'evaluation.publish',
    'evaluation.formula',
    'meetings.read',
    'meetings.write',
    'pacts.read',
    'pacts.write',
  ],
  // Leaders (纪检 among them) read the audit log; they change nothing in it.
  leader: [
    'archive.read',
    'archive.reveal',
    'diary.write',
    'diary.review',
    'cases.raise',
    'cases.dispatch',
    'cases.supervise',
    'cases.push',
    'cases.claim',
    'cases.callback',
    'audit.read',
    'stats.read',
    'tasks.read',
    'tasks.publish',
    'tasks.confirm',
    'evaluation.read',
    'evaluation.publish',
    'meetings.read',
    'meetings.write',
    'pacts.read',
    'pacts.write',
  ],
  // Town handlers answer the hotline and dispatch; both call back.
  town_handler: [
    'archive.read',
    'archive.write',
    'archive.import',
    'archive.reveal',
    'diary.write',
    'diary.review',
    'cases.raise',
    'cases.dispatch',
    'cases.push',
    'cases.callback',
    'cases.import',
    'stats.read',
    'tasks.read',
    'tasks.publish',
    'tasks.confirm',
    'evaluation.read',
    'meetings.read',
    'meetings.write',
    'pacts.read',
    'pacts.write',
  ],
  dept_handler: ['archive.read', 'diary.write', 'cases.raise', 'meetings.read', 'pacts.read'],
  village_cadre: [
    'archive.read',
    'archive.write',
    'archive.import',
    'archive.reveal',
    'diary.write',
    'cases.raise',
    'cases.dispatch',
    'cases.callback',
    'stats.read',
    'tasks.read',
    'tasks.publish',
    'tasks.confirm',
    'evaluation.read',
    'meetings.read',
    'pacts.read',
    'pacts.write',
  ],
  grid_worker: ['archive.read', 'archive.write', 'diary.write', 'cases.raise', 'stats.read', 'meetings.read'],
  // 驻村指导员 find the small jobs on their visits (需求摸排, 微心愿) and publish them as 先锋任务 of their village.
  stationed_cadre: ['archive.read', 'archive.write', 'diary.write', 'cases.raise', 'stats.read', 'tasks.read', 'tasks.publish', 'tasks.confirm', 'meetings.read'],
  // Volunteers see tasks, not residents' files; they report (随手报) and read their own reports only.
  volunteer: ['tasks.read', 'tasks.claim', 'cases.report'],
}

export function permissionsOf(roles: readonly Role[]): Permission[] {
  return [...new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []))]
}

export const can = (roles: readonly Role[], permission: Permission) => roles.some((r) => ROLE_PERMISSIONS[r]?.includes(permission))
