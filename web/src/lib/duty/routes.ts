/** 县级值班 (issue 14): the roster's console page, spread into router.ts (a child of /console). */
import type { RouteRecordRaw } from 'vue-router'
import { rolesWith } from '../archive/nav.ts'

/** Who reads the roster (staff with stats.read); only the county's admins and leaders change it (the server says `editable`). */
export const DUTY_READ_ROLES = rolesWith('stats.read')

export const dutyConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'duty',
    name: 'c-duty',
    component: () => import('../../views/console/duty/DutyRosterPage.vue'),
    meta: { roles: DUTY_READ_ROLES, titleKey: 'duty.title' },
  },
]
