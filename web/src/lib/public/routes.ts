/**
 * The resident's pages (民情码): no account, no console code. Spread into router.ts as top-level routes; the guard
 * lets `area: 'public'` pages through without a session.
 */
import type { RouteRecordRaw } from 'vue-router'

export const publicReportRoutes: RouteRecordRaw[] = [
  {
    path: '/r/:code',
    name: 'public-report',
    component: () => import('../../views/public/PublicReport.vue'),
    meta: { area: 'public', titleKey: 'publicReport.title' },
  },
  {
    path: '/t/:trackingCode',
    name: 'public-track',
    component: () => import('../../views/public/PublicTrack.vue'),
    meta: { area: 'public', titleKey: 'publicReport.track.title' },
  },
  {
    path: '/p/:code',
    name: 'public-pacts',
    component: () => import('../../views/public/PublicPacts.vue'),
    meta: { area: 'public', titleKey: 'publicReport.board.title' },
  },
]
