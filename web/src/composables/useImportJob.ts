import { computed, onBeforeUnmount, onMounted, ref } from 'vue'
import type { ImportJob } from '@minqing/common'
import { isApiError } from '../api/client.ts'
import { importDurationSeconds, importPercent, importProgressStatus, importRejections, isImportFinished } from '../lib/archive/importJob.ts'
import { poll, type Poller } from '../lib/archive/poll.ts'
import { useErrors } from './useErrors.ts'

/** What an import screen needs of its API (households and cases alike). */
export interface ImportJobsApi {
  get(id: string): Promise<ImportJob>
  list(): Promise<ImportJob[]>
  report(url: string): Promise<unknown>
}

/**
 * An import screen's jobs: the one followed on screen (polled every second until done, with the figures its
 * progress bar and result need, and its rejected-rows report), and the list of recent jobs, refreshed when the
 * followed one finishes.
 */
export function useImportJob(api: ImportJobsApi) {
  const { errorText } = useErrors()
  const job = ref<ImportJob | null>(null)
  const pollError = ref<string | null>(null)
  let poller: Poller | null = null

  const jobs = ref<ImportJob[]>([])
  const jobsLoading = ref(false)
  const jobsError = ref<string | null>(null)
  async function loadJobs() {
    jobsLoading.value = true
    try {
      jobs.value = await api.list()
      jobsError.value = null
    } catch (err) {
      jobsError.value = errorText(err)
    } finally {
      jobsLoading.value = false
    }
  }
  onMounted(loadJobs)

  function follow(j: ImportJob) {
    poller?.stop()
    job.value = j
    pollError.value = null
    if (isImportFinished(j)) return
    poller = poll({
      fetch: () => api.get(j.id),
      onValue: (value) => {
        job.value = value
        pollError.value = null
        if (isImportFinished(value)) void loadJobs()
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

  const reportError = ref<string | null>(null)
  async function downloadReport() {
    if (!job.value?.reportUrl) return
    reportError.value = null
    try {
      await api.report(job.value.reportUrl)
    } catch (err) {
      reportError.value = errorText(err)
    }
  }

  return {
    job,
    pollError,
    follow,
    /** Everything ImportJobCard shows of the followed job (`v-bind="card"`), or null when none is followed. */
    card: computed(() =>
      job.value
        ? {
            job: job.value,
            percent: importPercent(job.value),
            progressStatus: importProgressStatus(job.value),
            pollError: pollError.value,
            rejections: importRejections(job.value.result),
            duration: importDurationSeconds(job.value),
            reportError: reportError.value,
          }
        : null,
    ),
    reportError,
    downloadReport,
    jobs,
    jobsLoading,
    jobsError,
    loadJobs,
  }
}

/** Element Plus tag type of a job's status. */
export const importStatusType = (s: ImportJob['status']) => (s === 'done' ? 'success' : s === 'failed' ? 'danger' : s === 'running' ? 'primary' : 'info')
