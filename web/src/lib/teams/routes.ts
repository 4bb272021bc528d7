/** The console pages of teams/rotas and activities/ledger, spread into router.ts as children of /console. */
import type { RouteRecordRaw } from 'vue-router'
import { TASKS_PUBLISH_ROLES } from '../tasks/roles.ts'

export const teamsConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'teams',
    name: 'c-teams',
    component: () => import('../../views/console/teams/TeamsPage.vue'),
    meta: { roles: TASKS_PUBLISH_ROLES, titleKey: 'teams.title' },
  },
  {
    path: 'activities',
    name: 'c-activities',
    component: () => import('../../views/console/teams/ActivitiesPage.vue'),
    meta: { roles: TASKS_PUBLISH_ROLES, titleKey: 'activities.title' },
  },
]
