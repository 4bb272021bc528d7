/** The task pages, spread into router.ts (mobile children of /m, console children of /console). */
import type { RouteRecordRaw } from 'vue-router'
import { TASKS_PUBLISH_ROLES, TASKS_READ_ROLES } from './roles.ts'

export const tasksMobileRoutes: RouteRecordRaw[] = [
  {
    path: 'tasks',
    name: 'm-tasks',
    component: () => import('../../views/mobile/tasks/MobileTasks.vue'),
    meta: { requiresAuth: true, roles: TASKS_READ_ROLES, tab: 'tasks', titleKey: 'tasks.title' },
  },
  {
    path: 'tasks/:id',
    name: 'm-task',
    component: () => import('../../views/mobile/tasks/MobileTask.vue'),
    meta: { requiresAuth: true, roles: TASKS_READ_ROLES, titleKey: 'tasks.detail' },
  },
]

export const tasksConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'tasks',
    name: 'c-tasks',
    component: () => import('../../views/console/tasks/TasksPage.vue'),
    meta: { roles: TASKS_PUBLISH_ROLES, titleKey: 'tasks.title' },
  },
]
