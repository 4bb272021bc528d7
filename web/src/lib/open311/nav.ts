/** The console sidebar's Open311 entry (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { Connection } from '@element-plus/icons-vue'
import { INTAKE_MANAGE_ROLES } from './routes.ts'

/** Same shape as ConsoleLayout's own NAV items. */
export const OPEN311_NAV = [{ path: '/console/open311', labelKey: 'open311.nav', icon: markRaw(Connection), roles: INTAKE_MANAGE_ROLES, testid: 'nav-open311' }]
