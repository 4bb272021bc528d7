import type { CockpitSummary, RegionLevel } from '@minqing/common'
import { html } from './html.ts'

/**
 * Pure helpers of the 民情大脑 cockpit (views/cockpit). Every text that reaches an HTML sink — an ECharts function
 * formatter, a Leaflet tooltip — goes through `html`/`escapeHtml`: case titles and region names are typed by
 * people (a town admin names a grid `<img onerror=…>`).
 */

const LEVEL_DEPTH: Record<string, number> = { city: -1, county: 0, town: 1, village: 2, grid: 3 }

/** A rate 0..1 as a percentage with one decimal ('86.5%'); '—' when there is no denominator. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  const pct = Math.round(rate * 1000) / 10
  return `${pct % 1 === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`
}

/** Grids are the last level: a ranking row of grids opens nothing. */
export const canDrill = (level: string) => level === 'county' || level === 'town' || level === 'village' || level === 'city'

/**
 * Where a feed item happened, as the screen's region reads it: the names below the region shown (a county screen
 * reads "石璜镇 / 雅璜村 / 第一网格", a village's "第一网格"); at least the last name. `path` runs from the county
 * down (CockpitSummary.feed[].regionPath).
 */
export function placeBelow(path: readonly string[], viewLevel: RegionLevel | string): string {
  const depth = LEVEL_DEPTH[viewLevel] ?? 0
  const below = path.slice(Math.max(0, depth + 1))
  return (below.length ? below : path.slice(-1)).join(' / ')
}

/** The trend chart's axis (MM-DD) and its two lines; last year's line is as long as this year's. */
export function trendSeries(trend: CockpitSummary['trend'] | undefined): { days: string[]; thisYear: number[]; lastYear: (number | null)[] } {
  if (!trend) return { days: [], thisYear: [], lastYear: [] }
  const days = trend.thisYear.map((d) => d.day.slice(5))
  const lastByDay = new Map(trend.lastYear.map((d) => [d.day.slice(5), d.count]))
  return { days, thisYear: trend.thisYear.map((d) => d.count), lastYear: days.map((d) => lastByDay.get(d) ?? null) }
}

/** Tooltip of a category bar (ECharts puts a function formatter's result in the page as HTML). */
export function categoryTooltip(params: unknown): string {
  const p = (Array.isArray(params) ? params[0] : params) as { name?: unknown; value?: unknown } | undefined
  return html`${p?.name ?? ''}: ${p?.value ?? ''}`
}

/** Tooltip of the trend chart: the day, then each line. */
export function trendTooltip(params: unknown): string {
  const list = (Array.isArray(params) ? params : [params]) as { axisValue?: unknown; seriesName?: unknown; value?: unknown; marker?: unknown }[]
  if (!list.length) return ''
  const rows = list.map((p) => html`${p.seriesName ?? ''}: ${p.value ?? '—'}`)
  return [html`${list[0].axisValue ?? ''}`, ...rows].join('<br/>')
}

/** A map point's tooltip: state and category, escaped (Leaflet tooltips take HTML). */
export function pointTooltip(state: string, category: string | null, overdue: boolean, overdueLabel: string): string {
  return html`${state}${category ? ` · ${category}` : ''}` + (overdue ? html` · ${overdueLabel}` : '')
}

/**
 * Keeps the wall screen fresh: `changed` from the stream refetches at once and once more a moment later (the
 * statistics rollups may fold the same event a few hundred ms after the stream spoke), and a slow timer refetches
 * anyway in case the stream is down. `load` never runs twice at once: a request while one runs is queued.
 */
export class Refresher {
  private running: Promise<void> | null = null
  private again = false
  private followUp: ReturnType<typeof setTimeout> | undefined
  private fallback: ReturnType<typeof setInterval> | undefined

  constructor(
    private load: () => Promise<void>,
    private opts: { followUpMs: number; fallbackMs: number } = { followUpMs: 1500, fallbackMs: 60_000 },
  ) {}

  start() {
    this.stop()
    this.fallback = setInterval(() => void this.refresh(), this.opts.fallbackMs)
    return this.refresh()
  }

  stop() {
    clearInterval(this.fallback)
    clearTimeout(this.followUp)
    this.fallback = undefined
    this.followUp = undefined
  }

  /** The stream said `changed`. */
  changed() {
    void this.refresh()
    clearTimeout(this.followUp)
    this.followUp = setTimeout(() => void this.refresh(), this.opts.followUpMs)
  }

  refresh(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          await this.load()
        } while (this.again)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }
}

/** HH:mm:ss and a long date in the given locale (the cockpit clock). */
/** The zone the cockpit shows times in (the server counts days there). */
export const COUNTY_TZ = 'Asia/Shanghai'

export function formatClock(date: Date, locale: string): { time: string; date: string } {
  // The county's time, as its figures are counted (今日受理 is a day in Asia/Shanghai), whatever the wall's browser says.
  const time = date.toLocaleTimeString(locale === 'en' ? 'en-GB' : 'zh-CN', { hour12: false, timeZone: COUNTY_TZ })
  const day = date.toLocaleDateString(locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: COUNTY_TZ,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
  })
  return { time, date: day }
}

/** Scale that fits a `w`×`h` design stage into the viewport (letterboxed), and the offsets that center it. */
export function fitStage(viewW: number, viewH: number, w = 1920, h = 1080): { scale: number; left: number; top: number } {
  const scale = Math.max(0.1, Math.min(viewW / w, viewH / h))
  return { scale, left: Math.max(0, (viewW - w * scale) / 2), top: Math.max(0, (viewH - h * scale) / 2) }
}
