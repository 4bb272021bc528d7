/** The console sidebar's intake entries (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { PhoneFilled, Upload } from '@element-plus/icons-vue'
import { CASE_IMPORT_ROLES, HOTLINE_ROLES } from './roles.ts'

/** Same shape as ConsoleLayout's own NAV items. */
export const CASE_INTAKE_NAV = [
  { path: '/console/hotline', labelKey: 'caseImports.hotline.nav', icon: markRaw(PhoneFilled), roles: HOTLINE_ROLES, testid: 'nav-hotline' },
  { path: '/console/case-imports', labelKey: 'caseImports.import.nav', icon: markRaw(Upload), roles: CASE_IMPORT_ROLES, testid: 'nav-case-imports' },
]
