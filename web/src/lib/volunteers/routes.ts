/** The volunteer's own pages (issue 15), spread into router.ts: 我的上报 and the leaderboard on the phone, the board in the console. */
import type { RouteRecordRaw } from 'vue-router'
import { REPORTER_ROLES } from '../cases/roles.ts'
import { TASKS_PUBLISH_ROLES, TASKS_READ_ROLES } from '../tasks/roles.ts'

export const volunteersMobileRoutes: RouteRecordRaw[] = [
  {
    path: 'reports',
    name: 'm-reports',
    component: () => import('../../views/mobile/volunteer/MobileReports.vue'),
    meta: { requiresAuth: true, roles: REPORTER_ROLES, titleKey: 'volunteers.reports.title' },
  },
  {
    path: 'leaderboard',
    name: 'm-leaderboard',
    component: () => import('../../views/mobile/volunteer/MobileLeaderboard.vue'),
    meta: { requiresAuth: true, roles: TASKS_READ_ROLES, titleKey: 'volunteers.board.title' },
  },
]

export const volunteersConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'leaderboard',
    name: 'c-leaderboard',
    component: () => import('../../views/console/volunteers/LeaderboardPage.vue'),
    meta: { roles: TASKS_PUBLISH_ROLES, titleKey: 'volunteers.board.title' },
  },
]
