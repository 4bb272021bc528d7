/** The volunteer's side of 先锋任务 over the API (types in common/src/volunteers.ts). */
import type { Leaderboard, TaskCaseSummary } from '@minqing/common'
import { api } from './client.ts'

export const volunteersApi = {
  /** The monthly board: a volunteer's residence area by default, staff's own region. */
  leaderboard: (q: { regionCode?: string; month?: string } = {}) => api.get<Leaderboard>('/volunteers/leaderboard', q),
  /** The case a claimed task was made from, as a summary. */
  taskCase: (taskId: string) => api.get<TaskCaseSummary>(`/tasks/${encodeURIComponent(taskId)}/case`),
}
