/**
 * Vant for the mobile area. Importing this module pulls in Vant's CSS, so only the mobile pages
 * (lazily loaded via their routes) load Vant; the console never does.
 */
import 'vant/lib/index.css'
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
