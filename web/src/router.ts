import { createRouter, createWebHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router'
import type { Pinia } from 'pinia'
import { decideNavigation, homeFor, type GuardMeta } from './guards.ts'
import { useAuthStore } from './stores/auth.ts'
import { i18n } from './i18n/index.ts'
import { rolesWith } from './lib/archive/nav.ts'
import { diaryConsoleRoutes, diaryMobileRoutes } from './lib/diary/routes.ts'
import { casesConsoleRoutes, casesMobileRoutes } from './lib/cases/routes.ts'
import { caseIntakeConsoleRoutes } from './lib/caseImports/routes.ts'
import { open311ConsoleRoutes } from './lib/open311/routes.ts'
import { auditConsoleRoutes } from './lib/audit/routes.ts'
import { publicReportRoutes } from './lib/public/routes.ts'
import { qrConsoleRoutes } from './lib/qr/routes.ts'
import { tasksConsoleRoutes, tasksMobileRoutes } from './lib/tasks/routes.ts'
import { dutyConsoleRoutes } from './lib/duty/routes.ts'
import { teamsConsoleRoutes } from './lib/teams/routes.ts'
import { volunteersConsoleRoutes, volunteersMobileRoutes } from './lib/volunteers/routes.ts'

declare module 'vue-router' {
  interface RouteMeta extends GuardMeta {
    /** i18n key of the page title (document.title). */
    titleKey?: string
    /** Mobile tab bar entry this page belongs to (the tab bar only shows on these pages). */
    tab?: 'home' | 'archive' | 'me' | 'diary' | 'cases' | 'tasks'
  }
}

const ARCHIVE_READ = rolesWith('archive.read')

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'root',
    redirect: () => homeFor(typeof window === 'undefined' ? 1024 : window.innerWidth),
  },
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/console/LoginPage.vue'),
    meta: { area: 'console', guestOnly: true, titleKey: 'auth.login' },
  },
  {
    path: '/m',
    component: () => import('./views/mobile/MobileLayout.vue'),
    meta: { area: 'mobile' },
    children: [
      {
        path: 'login',
        name: 'm-login',
        component: () => import('./views/mobile/MobileLogin.vue'),
        meta: { guestOnly: true, titleKey: 'auth.login' },
      },
      {
        path: '',
        name: 'm-home',
        component: () => import('./views/mobile/MobileHome.vue'),
        meta: { requiresAuth: true, tab: 'home', titleKey: 'nav.home' },
      },
      {
        path: 'archive',
        name: 'm-archive',
        component: () => import('./views/mobile/archive/MobileArchive.vue'),
        meta: { requiresAuth: true, roles: ARCHIVE_READ, tab: 'archive', titleKey: 'archive.mobile.title' },
      },
      {
        path: 'archive/households/:id',
        name: 'm-archive-household',
        component: () => import('./views/mobile/archive/MobileHousehold.vue'),
        meta: { requiresAuth: true, roles: ARCHIVE_READ, titleKey: 'nav.archiveHousehold' },
      },
      ...diaryMobileRoutes,
      ...casesMobileRoutes,
      ...tasksMobileRoutes,
      ...volunteersMobileRoutes,
      {
        path: 'me',
        name: 'm-me',
        component: () => import('./views/mobile/MobileMe.vue'),
        meta: { requiresAuth: true, tab: 'me', titleKey: 'nav.me' },
      },
      {
        path: 'password',
        name: 'm-password',
        component: () => import('./views/mobile/MobilePassword.vue'),
        meta: { requiresAuth: true, titleKey: 'auth.changePassword' },
      },
    ],
  },
  {
    path: '/console',
    component: () => import('./views/console/ConsoleLayout.vue'),
    meta: { area: 'console', requiresAuth: true },
    children: [
      {
        path: '',
        name: 'c-dashboard',
        component: () => import('./views/console/DashboardPage.vue'),
        meta: { titleKey: 'nav.dashboard' },
      },
      {
        path: 'regions',
        name: 'c-regions',
        component: () => import('./views/console/RegionsPage.vue'),
        meta: { titleKey: 'nav.regions' },
      },
      {
        path: 'users',
        name: 'c-users',
        component: () => import('./views/console/UsersPage.vue'),
        meta: { roles: ['admin'], titleKey: 'nav.users' },
      },
      {
        path: 'units',
        name: 'c-units',
        component: () => import('./views/console/UnitsPage.vue'),
        meta: { roles: ['admin'], titleKey: 'nav.units' },
      },
      {
        path: 'archive',
        redirect: '/console/archive/households',
      },
      {
        path: 'archive/households',
        name: 'c-archive-households',
        component: () => import('./views/console/archive/HouseholdsPage.vue'),
        meta: { roles: ARCHIVE_READ, titleKey: 'nav.archiveHouseholds' },
      },
      {
        path: 'archive/households/:id',
        name: 'c-archive-household',
        component: () => import('./views/console/archive/HouseholdPage.vue'),
        meta: { roles: ARCHIVE_READ, titleKey: 'nav.archiveHousehold' },
      },
      {
        path: 'archive/persons',
        name: 'c-archive-persons',
        component: () => import('./views/console/archive/PersonsPage.vue'),
        meta: { roles: ARCHIVE_READ, titleKey: 'nav.archivePersons' },
      },
      {
        path: 'archive/enterprises',
        name: 'c-archive-enterprises',
        component: () => import('./views/console/archive/EnterprisesPage.vue'),
        meta: { roles: ARCHIVE_READ, titleKey: 'nav.archiveEnterprises' },
      },
      {
        path: 'archive/places',
        name: 'c-archive-places',
        component: () => import('./views/console/archive/PlacesPage.vue'),
        meta: { roles: ARCHIVE_READ, titleKey: 'nav.archivePlaces' },
      },
      {
        path: 'archive/tags',
        name: 'c-archive-tags',
        component: () => import('./views/console/archive/TagsPage.vue'),
        meta: { roles: rolesWith('tags.manage'), titleKey: 'nav.archiveTags' },
      },
      {
        path: 'archive/import',
        name: 'c-archive-import',
        component: () => import('./views/console/archive/ImportPage.vue'),
        meta: { roles: rolesWith('archive.import'), titleKey: 'nav.archiveImport' },
      },
      ...diaryConsoleRoutes,
      ...casesConsoleRoutes,
      ...caseIntakeConsoleRoutes,
      ...qrConsoleRoutes,
      ...open311ConsoleRoutes,
      ...auditConsoleRoutes,
      ...tasksConsoleRoutes,
      ...dutyConsoleRoutes,
      ...teamsConsoleRoutes,
      ...volunteersConsoleRoutes,
      {
        path: 'stats',
        name: 'c-stats',
        component: () => import('./views/console/stats/StatsPage.vue'),
        meta: { roles: rolesWith('stats.read'), titleKey: 'stats.title' },
      },
      {
        path: 'reports/weekly',
        name: 'c-weekly-report',
        component: () => import('./views/console/reports/WeeklyReportPage.vue'),
        meta: { roles: rolesWith('stats.read'), titleKey: 'reports.title' },
      },
      {
        path: 'brain/clusters',
        name: 'c-brain-clusters',
        component: () => import('./views/console/brain/ClustersPage.vue'),
        meta: { roles: rolesWith('stats.read'), titleKey: 'brainSimilar.clustersTitle' },
      },
      {
        path: 'evaluation',
        name: 'c-evaluation',
        component: () => import('./views/console/evaluation/EvaluationPage.vue'),
        meta: { roles: rolesWith('evaluation.read'), titleKey: 'evaluation.title' },
      },
      {
        path: 'meetings',
        name: 'c-meetings',
        component: () => import('./views/console/meetings/MeetingsPage.vue'),
        meta: { roles: rolesWith('meetings.read'), titleKey: 'meetings.title' },
      },
      {
        path: 'meetings/:id',
        name: 'c-meeting',
        component: () => import('./views/console/meetings/MeetingPage.vue'),
        meta: { roles: rolesWith('meetings.read'), titleKey: 'meetings.title' },
      },
      {
        path: 'pacts',
        name: 'c-pacts',
        component: () => import('./views/console/pacts/PactsPage.vue'),
        meta: { roles: rolesWith('pacts.read'), titleKey: 'pacts.title' },
      },
      {
        path: 'pacts/:id',
        name: 'c-pact',
        component: () => import('./views/console/pacts/PactPage.vue'),
        meta: { roles: rolesWith('pacts.read'), titleKey: 'pacts.title' },
      },
      {
        path: 'brain/hotwords',
        name: 'c-brain-hotwords',
        component: () => import('./views/console/brain/HotwordsPage.vue'),
        meta: { roles: rolesWith('stats.read'), titleKey: 'brain.hotwordsTitle' },
      },
      {
        path: 'brain/alerts',
        name: 'c-brain-alerts',
        component: () => import('./views/console/brain/AlertsPage.vue'),
        meta: { roles: rolesWith('stats.read'), titleKey: 'brain.alertsTitle' },
      },
      {
        path: '403',
        name: 'c-forbidden',
        component: () => import('./views/console/ForbiddenPage.vue'),
        meta: { titleKey: 'forbidden.title' },
      },
    ],
  },
  {
    path: '/cockpit',
    name: 'cockpit',
    component: () => import('./views/cockpit/CockpitPage.vue'),
    meta: { area: 'cockpit', requiresAuth: true, roles: ['leader', 'admin'], titleKey: 'cockpit.title' },
  },
  // 民情码: residents report and track without an account.
  ...publicReportRoutes,
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundPage.vue'),
    meta: { area: 'public', titleKey: 'notFound.title' },
  },
]

/** `<page> · 民情` in the current language. */
export function updateDocumentTitle(titleKey: string | undefined): void {
  if (typeof document === 'undefined') return
  const t = i18n.global.t
  const app = t('app.name')
  document.title = titleKey ? `${t(titleKey)} · ${app}` : app
}

export function createAppRouter(pinia: Pinia, history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })

  router.beforeEach(async (to) => {
    const auth = useAuthStore(pinia)
    await auth.ensureLoaded()
    return decideNavigation({ path: to.path, fullPath: to.fullPath, query: to.query, meta: to.meta }, auth.user)
  })

  router.afterEach((to) => updateDocumentTitle(to.meta.titleKey))

  // A lazily loaded page chunk that fails to load (usually: a new version was deployed) → full reload once.
  router.onError((error, to) => {
    const msg = String((error as Error)?.message ?? error)
    if (/dynamically imported module|Importing a module script failed|Failed to fetch/i.test(msg)) {
      const key = 'mq_chunk_reload'
      if (sessionStorage.getItem(key) !== to.fullPath) {
        sessionStorage.setItem(key, to.fullPath)
        window.location.assign(to.fullPath)
      }
    }
  })

  return router
}
