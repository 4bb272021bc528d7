/** The console sidebar's 审计日志 entry (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { Tickets } from '@element-plus/icons-vue'
import { AUDIT_READ_ROLES } from './routes.ts'

/** Same shape as ConsoleLayout's own NAV items. */
export const AUDIT_NAV = [{ path: '/console/audit', labelKey: 'audit.nav', icon: markRaw(Tickets), roles: AUDIT_READ_ROLES, testid: 'nav-audit' }]
