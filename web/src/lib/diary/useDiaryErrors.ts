import { useI18n } from 'vue-i18n'
import { ApiError } from '../../api/client.ts'
import { useErrors } from '../../composables/useErrors.ts'
import type { OutboxError } from './outbox.ts'

/**
 * Error text for the diary screens: the diary's own wording of its codes (`diary.errors.*`) first, then the
 * app's (`errors.*`), then the server's message.
 */
export function useDiaryErrors() {
  const { t, te } = useI18n()
  const { errorText } = useErrors()
  const own = (code: string) => (te(`diary.errors.${code}`) ? t(`diary.errors.${code}`) : null)
  return {
    errorText: (err: unknown) => (err instanceof ApiError && own(err.code)) || errorText(err),
    outboxErrorText: (e: OutboxError | null) => {
      if (!e) return ''
      return own(e.code) ?? (te(`errors.${e.code}`) ? t(`errors.${e.code}`) : e.message || t('errors.unknown'))
    },
  }
}
