/** The diary's pages, spread into router.ts (mobile children of /m, console children of /console). */
import type { RouteRecordRaw } from 'vue-router'
import { rolesWith } from '../archive/nav.ts'
import { DIARY_READ_ROLES, DIARY_WRITE_ROLES } from './nav.ts'

export const diaryMobileRoutes: RouteRecordRaw[] = [
  {
    path: 'diary',
    name: 'm-diary',
    component: () => import('../../views/mobile/diary/DiaryFeed.vue'),
    meta: { requiresAuth: true, roles: DIARY_READ_ROLES, tab: 'diary', titleKey: 'diary.title' },
  },
  {
    path: 'diary/new',
    name: 'm-diary-new',
    component: () => import('../../views/mobile/diary/DiaryWrite.vue'),
    meta: { requiresAuth: true, roles: DIARY_WRITE_ROLES, titleKey: 'diary.write' },
  },
  {
    path: 'diary/:id',
    name: 'm-diary-entry',
    component: () => import('../../views/mobile/diary/DiaryDetail.vue'),
    meta: { requiresAuth: true, roles: DIARY_READ_ROLES, titleKey: 'diary.detail' },
  },
]

export const diaryConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'diary',
    name: 'c-diary',
    component: () => import('../../views/console/diary/DiaryPage.vue'),
    meta: { roles: DIARY_READ_ROLES, titleKey: 'diary.console.title' },
  },
  {
    path: 'visits',
    name: 'c-visits',
    component: () => import('../../views/console/diary/VisitsPage.vue'),
    meta: { roles: rolesWith('archive.read'), titleKey: 'visits.title' },
  },
]
