/** The console sidebar's 志愿者排行 entry (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { Trophy } from '@element-plus/icons-vue'
import { TASKS_PUBLISH_ROLES } from '../tasks/roles.ts'

export const VOLUNTEERS_NAV = [{ path: '/console/leaderboard', labelKey: 'volunteers.board.nav', icon: markRaw(Trophy), roles: TASKS_PUBLISH_ROLES, testid: 'nav-leaderboard' }]
