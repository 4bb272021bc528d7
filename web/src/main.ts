import { createApp, watch } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter, updateDocumentTitle } from './router.ts'
import { currentLocale, i18n, localeReady } from './i18n/index.ts'
import { setUnauthorizedHandler } from './api/client.ts'
import { useAuthStore } from './stores/auth.ts'
import { areaOf, loginLocation } from './guards.ts'
import './styles/base.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
const router = createAppRouter(pinia)
app.use(router)

const auth = useAuthStore(pinia)

// Any API call answered with 401 (outside login/me): the session is gone → forget the user, go to login.
setUnauthorizedHandler(() => {
  const wasSignedIn = auth.isAuthenticated
  auth.clear()
  const current = router.currentRoute.value
  if (current.meta.requiresAuth || (current.meta.roles && current.meta.roles.length)) {
    void router.replace(loginLocation(areaOf(current.path, current.meta), current.fullPath, { expired: wasSignedIn }))
  }
})

document.documentElement.lang = currentLocale()
watch(i18n.global.locale, () => updateDocumentTitle(router.currentRoute.value.meta.titleKey))
// Ask the server who we are once, at start; the router guard waits for this same request.
void auth.ensureLoaded()
// Mount after the first navigation (no flash of the wrong page) and with the saved language's texts (English is
// fetched on demand); mount anyway if the navigation failed.
void Promise.all([router.isReady().catch(() => undefined), localeReady]).then(() => app.mount('#app'))
