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
  'cases.dispatch',
  'cases.supervise',
  'cases.claim',
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
    'categories.manage',
    'intake.manage',
    'cases.import',
    'audit.read',
    'stats.read',
    'tasks.read',
    'tasks.publish',
    'tasks.confirm',
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
    'cases.claim',
    'cases.callback',
    'audit.read',
    'stats.read',
    'tasks.read',
    'tasks.publish',
    'tasks.confirm',
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
    'cases.callback',
    'cases.import',
    'stats.read',
    'tasks.read',
    'tasks.publish',
    'tasks.confirm',
  ],
  dept_handler: ['archive.read', 'diary.write', 'cases.raise'],
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
  ],
  grid_worker: ['archive.read', 'archive.write', 'diary.write', 'cases.raise', 'stats.read'],
  stationed_cadre: ['archive.read', 'archive.write', 'diary.write', 'cases.raise', 'stats.read'],
  // Volunteers see tasks, not residents' files.
  volunteer: ['tasks.read', 'tasks.claim'],
}

export function permissionsOf(roles: readonly Role[]): Permission[] {
  return [...new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []))]
}

export const can = (roles: readonly Role[], permission: Permission) => roles.some((r) => ROLE_PERMISSIONS[r]?.includes(permission))
