import { createI18n } from 'vue-i18n'
import zhCN, { type Messages } from './zh-CN.ts'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
const STORAGE_KEY = 'mq_locale'

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (isLocale(saved)) return saved
  } catch {
    /* storage blocked */
  }
  return 'zh-CN'
}

/**
 * Only the default language ships with the app's first load (issue 12, defect 12: the phone's first screen); the
 * English texts are a chunk of their own (≈ 15 KB brotli), fetched when someone picks English or starts with it.
 */
// Typed with every language (so `locale` may be any), though only the default's messages are there at first.
const messages: Partial<Record<Locale, Messages>> = { 'zh-CN': zhCN }
export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: false,
  fallbackWarn: false,
})

const loaders: Record<Exclude<Locale, 'zh-CN'>, () => Promise<{ default: Messages }>> = {
  en: () => import('./en.ts'),
}
const loading = new Map<Locale, Promise<void>>()

/** Makes sure a language's messages are there (the default's always are). */
function loadMessages(locale: Locale): Promise<void> {
  if (locale === 'zh-CN') return Promise.resolve()
  let p = loading.get(locale)
  if (!p) {
    p = loaders[locale]().then((m) => i18n.global.setLocaleMessage(locale, m.default))
    // A failed fetch (offline, a new deployment) may be tried again on the next pick.
    p.catch(() => loading.delete(locale))
    loading.set(locale, p)
  }
  return p
}

export function currentLocale(): Locale {
  const value = i18n.global.locale.value
  return isLocale(value) ? value : 'zh-CN'
}

function apply(locale: Locale): void {
  i18n.global.locale.value = locale
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

/**
 * Switches the language once its messages are loaded (the page stays in the current one meanwhile) and remembers it.
 * False when they could not be fetched (offline): nothing changes.
 */
export async function setLocale(locale: Locale): Promise<boolean> {
  try {
    await loadMessages(locale)
  } catch {
    return false
  }
  apply(locale)
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale)
  } catch {
    /* storage blocked */
  }
  return true
}

/** The saved language in place: main.ts mounts the app once this settles (Chinese if the saved one fails to load). */
export const localeReady: Promise<void> = (() => {
  const initial = initialLocale()
  if (initial === 'zh-CN') return Promise.resolve()
  return loadMessages(initial).then(
    () => apply(initial),
    () => undefined,
  )
})()
