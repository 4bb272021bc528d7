/** The console sidebar's task entry (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { Flag } from '@element-plus/icons-vue'
import { TASKS_PUBLISH_ROLES } from './roles.ts'

export const TASKS_NAV = [{ path: '/console/tasks', labelKey: 'tasks.nav', icon: markRaw(Flag), roles: TASKS_PUBLISH_ROLES, testid: 'nav-tasks' }]
