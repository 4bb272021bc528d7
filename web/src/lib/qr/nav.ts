/** The console sidebar's 民情码 entry (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { Grid } from '@element-plus/icons-vue'
import { QR_ROLES } from './roles.ts'

/** Same shape as ConsoleLayout's own NAV items. */
export const QR_NAV = [{ path: '/console/qr', labelKey: 'qr.nav', icon: markRaw(Grid), roles: QR_ROLES, testid: 'nav-qr' }]
