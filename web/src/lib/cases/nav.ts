/** The console sidebar's case entries (Element Plus icons: import this from console code only). */
import { markRaw } from 'vue'
import { Collection, PhoneFilled, Tickets } from '@element-plus/icons-vue'
import { CALLBACK_ROLES, CASES_ROLES, CATEGORIES_ROLES } from './roles.ts'

/** Same shape as ConsoleLayout's own NAV items. */
export const CASES_NAV = [
  { path: '/console/cases', labelKey: 'cases.nav.cases', icon: markRaw(Tickets), roles: CASES_ROLES, testid: 'nav-cases' },
  { path: '/console/callbacks', labelKey: 'cases.nav.callbacks', icon: markRaw(PhoneFilled), roles: CALLBACK_ROLES, testid: 'nav-callbacks' },
  { path: '/console/categories', labelKey: 'cases.nav.categories', icon: markRaw(Collection), roles: CATEGORIES_ROLES, testid: 'nav-categories' },
]
