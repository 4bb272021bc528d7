import type { CaseStatsRow } from '@minqing/common'
import type { Actor } from '../../platform/policy.ts'
import type { ReportIntel } from './reports.service.ts'

// The weekly report's sections fed by other modules, wired in the composition root: hot words and alerts (issue 14,
// modules/brain), the unit ranking (modules/evaluation). The shapes below are what this module reads of them.

interface HotwordsSource {
  hotwords(actor: Actor, q: { regionCode?: string; days?: number; limit?: number; order?: 'count' | 'rising' }, now?: Date): Promise<{ word: string; count: number; previous: number; rise: number }[]>
}
interface AlertsSource {
  list(
    actor: Actor,
    q: { regionCode?: string; limit?: number },
  ): Promise<{ items: { kind: string; title: string; state: string; regionName: string; firstSeen: string; lastSeen: string; linkCount: number }[] }>
}
interface EvaluationSource {
  units(actor: Actor, q: { period: string; regionCode?: string }): Promise<{ period: string; rows: (CaseStatsRow & { score: number | null; rank: number | null })[] }>
}

const HOTWORDS_MAX = 20
const RISING_MAX = 10
const ALERTS_MAX = 200
/** A week's window for the hot words: its 7 days, read as of the Sunday's end (Asia/Shanghai). */
const weekEnd = (to: string) => new Date(`${to}T23:59:00+08:00`)
const inWeek = (iso: string, from: string, to: string) => {
  const t = Date.parse(iso)
  return t >= Date.parse(`${from}T00:00:00+08:00`) && t < weekEnd(to).getTime() + 60_000
}

export function reportIntel(sources: { hotwords?: HotwordsSource; alerts?: AlertsSource; evaluation?: EvaluationSource }): ReportIntel {
  const { hotwords, alerts, evaluation } = sources
  return {
    hotwords: hotwords
      ? async (actor, p) => {
          const q = { regionCode: p.regionCode, days: 7 }
          const words = await hotwords.hotwords(actor, { ...q, limit: HOTWORDS_MAX }, weekEnd(p.to))
          // Rising: ranked by the server's trend (the rise against last week's volume and its own noise).
          const rising = await hotwords.hotwords(actor, { ...q, limit: RISING_MAX, order: 'rising' }, weekEnd(p.to))
          return {
            words: words.map((w) => ({ word: w.word, count: w.count, previous: w.previous })),
            rising: rising.map((w) => ({ word: w.word, count: w.count, previous: w.previous })),
          }
        }
      : undefined,
    // 共性问题 alerts are the 一类事 clusters; every alert seen during the week is listed under 预警.
    clusters: alerts
      ? async (actor, p) =>
          (await alerts.list(actor, { regionCode: p.regionCode, limit: ALERTS_MAX })).items
            .filter((a) => a.kind === 'common_issue' && inWeek(a.lastSeen, p.from, p.to))
            .map((a) => ({ title: a.title, count: a.linkCount, regions: [a.regionName] }))
      : undefined,
    alerts: alerts
      ? async (actor, p) =>
          (await alerts.list(actor, { regionCode: p.regionCode, limit: ALERTS_MAX })).items
            .filter((a) => inWeek(a.lastSeen, p.from, p.to) || inWeek(a.firstSeen, p.from, p.to))
            .map((a) => ({ title: a.title, level: a.kind, at: a.firstSeen, isNew: a.state === 'new' }))
      : undefined,
    units: evaluation
      ? async (actor, p) => {
          const s = await evaluation.units(actor, { period: p.to.slice(0, 7), regionCode: p.regionCode })
          return { period: s.period, rows: s.rows }
        }
      : undefined,
  }
}
