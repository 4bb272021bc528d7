/**
 * Element Plus for the desktop area (console, desktop login). Importing this module pulls in Element Plus's CSS,
 * so only pages that import it (lazily, via their route) load the library; the mobile app never does.
 */
import 'element-plus/dist/index.css'
import './console.css'
import { computed } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn.mjs'
import en from 'element-plus/es/locale/lang/en.mjs'
import { useI18n } from 'vue-i18n'

export function useElementLocale() {
  const { locale } = useI18n()
  return computed(() => (locale.value === 'en' ? en : zhCn))
}
