/**
 * The work dashboard's data (console 工作台 and the phone's home), each panel loaded on its own so a failing or
 * forbidden one leaves the others standing.
 */
import { ref, shallowRef } from 'vue'
import type { Case, CaseFigures, Role } from '@minqing/common'
import { casesApi } from '../../api/cases.ts'
import { visitsApi } from '../../api/diary.ts'
import { statsApi } from '../../api/stats.ts'
import { queueCounts, type Area, type QueueTab } from '../cases/queues.ts'
import { hasVisitQuota, mayReadStats, mayReadVisits, monthOf, myVisits, todoQueues, type MyVisits } from './dashboard.ts'
import { thisMonth, todayShanghai } from './stats.ts'

export interface DashboardUser {
  id: string
  roles: Role[]
  regionCode: string
}

export function useDashboard(area: Area) {
  const queues = ref<QueueTab[]>([])
  const counts = ref<Partial<Record<QueueTab, number | null>>>({})
  const dueSoon = shallowRef<Case[]>([])
  const visits = shallowRef<MyVisits | null>(null)
  /** The area's figures this month (the stats module's total), null when not allowed or failed. */
  const areaFigures = shallowRef<CaseFigures | null>(null)
  const areaFormulas = shallowRef<Record<string, { name: string; formula: string; nameEn: string; formulaEn: string }>>({})
  const loading = ref(false)

  async function load(user: DashboardUser) {
    loading.value = true
    const today = todayShanghai()
    const month = thisMonth(today)
    queues.value = todoQueues(user.roles, area)
    const tasks: Promise<unknown>[] = []
    tasks.push(queueCounts(queues.value, (p) => casesApi.list(p)).then((c) => (counts.value = c)))
    if (queues.value.length)
      tasks.push(
        casesApi
          .list({ queue: 'due_soon', limit: 5 })
          .then((r) => (dueSoon.value = r.items))
          .catch(() => (dueSoon.value = [])),
      )
    if (mayReadVisits(user.roles))
      tasks.push(
        visitsApi
          .rules()
          .then(async (rules) => {
            visits.value = hasVisitQuota(user.roles, rules) ? myVisits(await visitsApi.compliance(user.regionCode, monthOf(today)), user.id) : null
          })
          .catch(() => (visits.value = null)),
      )
    if (mayReadStats(user.roles))
      tasks.push(
        statsApi
          .cases({ regionCode: user.regionCode, from: month.from, to: month.to, groupBy: 'level' })
          .then((s) => {
            areaFigures.value = s.total
            areaFormulas.value = s.formulas
          })
          .catch(() => (areaFigures.value = null)),
      )
    await Promise.all(tasks)
    loading.value = false
  }

  return { queues, counts, dueSoon, visits, areaFigures, areaFormulas, loading, load }
}
