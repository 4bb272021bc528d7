/** The console's 民情码 poster page (a child of /console). */
import type { RouteRecordRaw } from 'vue-router'
import { QR_ROLES } from './roles.ts'

export const qrConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'qr',
    name: 'c-qr',
    component: () => import('../../views/console/qr/QrCodesPage.vue'),
    meta: { roles: QR_ROLES, titleKey: 'qr.title' },
  },
]
