/**
 * Vant for the mobile area: its texts in the app's language, and the mobile pages' global styles. Vant's CSS comes
 * per component with each `import { … } from 'vant'` (vite.config.ts, minqing-vant-styles), so only the mobile
 * pages (lazily loaded via their routes) load Vant, and only the styles of the components the app uses.
 */
import './mobile.css'
import { watch } from 'vue'
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'
import { useI18n } from 'vue-i18n'

/** Keep Vant's built-in texts (dialog buttons, cascader placeholder...) in the app's language. */
export function useVantLocale(): void {
  const { locale } = useI18n()
  watch(
    locale,
    (l) => {
      if (l === 'en') Locale.use('en-US', enUS)
      else Locale.use('zh-CN', zhCN)
    },
    { immediate: true },
  )
}
