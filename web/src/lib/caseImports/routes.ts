/** The intake pages of the console (hotline / walk-in entry, imports from other platforms), spread into router.ts. */
import type { RouteRecordRaw } from 'vue-router'
import { CASE_IMPORT_ROLES, HOTLINE_ROLES } from './roles.ts'

export const caseIntakeConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'hotline',
    name: 'c-hotline',
    component: () => import('../../views/console/intake/HotlinePage.vue'),
    meta: { roles: HOTLINE_ROLES, titleKey: 'caseImports.hotline.title' },
  },
  {
    path: 'case-imports',
    name: 'c-case-imports',
    component: () => import('../../views/console/intake/CaseImportPage.vue'),
    meta: { roles: CASE_IMPORT_ROLES, titleKey: 'caseImports.import.title' },
  },
]
