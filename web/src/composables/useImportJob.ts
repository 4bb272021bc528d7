import { computed, onBeforeUnmount, ref } from 'vue'
import type { ImportJob } from '@minqing/common'
import { isApiError } from '../api/client.ts'
import { importDurationSeconds, importPercent, importProgressStatus, importRejections, isImportFinished } from '../lib/archive/importJob.ts'
import { poll, type Poller } from '../lib/archive/poll.ts'
import { useErrors } from './useErrors.ts'

/**
 * An import job followed on screen (households or cases): polled every second until it is done, with the
 * figures its progress bar and result need. `onFinished` runs once the job is done (to refresh a job list).
 */
export function useImportJob(fetchJob: (id: string) => Promise<ImportJob>, onFinished: () => void) {
  const { errorText } = useErrors()
  const job = ref<ImportJob | null>(null)
  const pollError = ref<string | null>(null)
  let poller: Poller | null = null

  function follow(j: ImportJob) {
    poller?.stop()
    job.value = j
    pollError.value = null
    if (isImportFinished(j)) return
    poller = poll({
      fetch: () => fetchJob(j.id),
      onValue: (value) => {
        job.value = value
        pollError.value = null
        if (isImportFinished(value)) onFinished()
      },
      done: isImportFinished,
      onError: (err) => {
        pollError.value = errorText(err)
        // A job that is gone (or out of reach) will not come back: stop asking.
        return !(isApiError(err) && (err.status === 404 || err.status === 403))
      },
      intervalMs: 1000,
      immediate: false,
    })
  }
  onBeforeUnmount(() => poller?.stop())

  return {
    job,
    pollError,
    follow,
    percent: computed(() => (job.value ? importPercent(job.value) : 0)),
    progressStatus: computed(() => (job.value ? importProgressStatus(job.value) : undefined)),
    rejections: computed(() => importRejections(job.value?.result)),
    duration: computed(() => (job.value ? importDurationSeconds(job.value) : null)),
  }
}
