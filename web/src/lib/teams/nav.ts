/** The console sidebar's entries for teams/rotas and activities (Element Plus icons: console code only). */
import { markRaw } from 'vue'
import { Calendar, UserFilled } from '@element-plus/icons-vue'
import { TASKS_PUBLISH_ROLES } from '../tasks/roles.ts'

export const TEAMS_NAV = [
  { path: '/console/teams', labelKey: 'teams.nav', icon: markRaw(UserFilled), roles: TASKS_PUBLISH_ROLES, testid: 'nav-teams' },
  { path: '/console/activities', labelKey: 'activities.nav', icon: markRaw(Calendar), roles: TASKS_PUBLISH_ROLES, testid: 'nav-activities' },
]
