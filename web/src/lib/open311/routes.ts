/** The Open311 console page, spread into router.ts (a child of /console). */
import type { RouteRecordRaw } from 'vue-router'
import { rolesWith } from '../archive/nav.ts'

/** Who manages the doors in (API keys, import sources, 民情码 posters). */
export const INTAKE_MANAGE_ROLES = rolesWith('intake.manage')

export const open311ConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'open311',
    name: 'c-open311',
    component: () => import('../../views/console/open311/Open311KeysPage.vue'),
    meta: { roles: INTAKE_MANAGE_ROLES, titleKey: 'open311.title' },
  },
]
