/** The case pages, spread into router.ts (mobile children of /m, console children of /console). */
import type { RouteRecordRaw } from 'vue-router'
import { CALLBACK_ROLES, CASES_ROLES, CATEGORIES_ROLES, REPORTER_ROLES } from './roles.ts'

export const casesMobileRoutes: RouteRecordRaw[] = [
  {
    path: 'cases',
    name: 'm-cases',
    component: () => import('../../views/mobile/cases/MobileCases.vue'),
    meta: { requiresAuth: true, roles: CASES_ROLES, tab: 'cases', titleKey: 'cases.mobile.title' },
  },
  {
    path: 'cases/new',
    name: 'm-case-new',
    component: () => import('../../views/mobile/cases/MobileCaseNew.vue'),
    meta: { requiresAuth: true, roles: REPORTER_ROLES, titleKey: 'cases.mobile.newTitle' },
  },
  {
    path: 'cases/:id',
    name: 'm-case',
    component: () => import('../../views/mobile/cases/MobileCase.vue'),
    meta: { requiresAuth: true, roles: REPORTER_ROLES, titleKey: 'cases.mobile.detail' },
  },
]

export const casesConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'cases',
    name: 'c-cases',
    component: () => import('../../views/console/cases/CasesPage.vue'),
    meta: { roles: CASES_ROLES, titleKey: 'cases.title' },
  },
  {
    path: 'cases/:id',
    name: 'c-case',
    component: () => import('../../views/console/cases/CasePage.vue'),
    meta: { roles: CASES_ROLES, titleKey: 'cases.nav.case' },
  },
  {
    path: 'callbacks',
    name: 'c-callbacks',
    component: () => import('../../views/console/cases/CallbacksPage.vue'),
    meta: { roles: CALLBACK_ROLES, titleKey: 'callbacks.title' },
  },
  {
    path: 'categories',
    name: 'c-categories',
    component: () => import('../../views/console/cases/CategoriesPage.vue'),
    meta: { roles: CATEGORIES_ROLES, titleKey: 'cases.categories.title' },
  },
]
