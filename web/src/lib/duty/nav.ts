/** The console sidebar's 值班表 entry (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { Calendar } from '@element-plus/icons-vue'
import { DUTY_READ_ROLES } from './routes.ts'

export const DUTY_NAV = [{ path: '/console/duty', labelKey: 'duty.nav', icon: markRaw(Calendar), roles: DUTY_READ_ROLES, testid: 'nav-duty' }]
