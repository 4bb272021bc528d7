/** The audit log's console page, spread into router.ts (a child of /console). */
import type { RouteRecordRaw } from 'vue-router'
import { rolesWith } from '../archive/nav.ts'

/** Who reads the audit log (admins and leaders: `audit.read`). */
export const AUDIT_READ_ROLES = rolesWith('audit.read')

export const auditConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'audit',
    name: 'c-audit',
    component: () => import('../../views/console/audit/AuditPage.vue'),
    meta: { roles: AUDIT_READ_ROLES, titleKey: 'audit.title' },
  },
]
