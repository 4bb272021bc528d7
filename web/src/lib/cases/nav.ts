/** The console sidebar's case entries (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { Collection, Tickets } from '@element-plus/icons-vue'
import { CASES_ROLES, CATEGORIES_ROLES } from './roles.ts'

export { CASES_ROLES, CATEGORIES_ROLES }

/** Same shape as ConsoleLayout's own NAV items. */
export const CASES_NAV = [
  { path: '/console/cases', labelKey: 'cases.nav.cases', icon: markRaw(Tickets), roles: CASES_ROLES, testid: 'nav-cases' },
  { path: '/console/categories', labelKey: 'cases.nav.categories', icon: markRaw(Collection), roles: CATEGORIES_ROLES, testid: 'nav-categories' },
]
