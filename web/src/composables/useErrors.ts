import { useI18n } from 'vue-i18n'
import { describeError, errorText } from '../api/errors.ts'

/** `errorText(err)` / `describe(err)` bound to the current locale. */
export function useErrors() {
  const { t, te } = useI18n()
  const tt = (key: string, named?: Record<string, unknown>) => (named ? t(key, named) : t(key))
  const has = (key: string) => te(key)
  return {
    errorText: (err: unknown) => errorText(err, tt, has),
    describe: (err: unknown) => describeError(err, tt, has),
  }
}
