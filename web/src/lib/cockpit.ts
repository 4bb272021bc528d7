import type { Region, RegionSummary } from '@minqing/common'
import { escapeHtml } from './html.ts'
import { belowRoot } from './regionPath.ts'

export interface TreeDatum {
  name: string
  value: number
  code: string
  children?: TreeDatum[]
}

/**
 * Treemap/sunburst data for the region tree two levels down from the summary's region: each child (town) sized by
 * its number of villages, and — when its children were loaded — holding those children (villages, one unit each).
 * Children that failed to load are kept, sized by the summary's count, without sub-items.
 */
export function buildRegionTree(summary: RegionSummary | null, grandChildren: Record<string, Region[] | undefined>): TreeDatum[] {
  if (!summary) return []
  const out: TreeDatum[] = []
  for (const child of summary.children) {
    const kids = grandChildren[child.code]
    const counted = child.level === 'town' || child.level === 'county' ? child.villages : child.grids
    if (kids && kids.length) {
      out.push({
        name: child.name,
        code: child.code,
        value: kids.length,
        children: kids.map((k) => ({ name: k.name, code: k.code, value: 1 })),
      })
    } else if (counted > 0) {
      out.push({ name: child.name, code: child.code, value: counted })
    }
  }
  return out.sort((a, b) => b.value - a.value)
}

/**
 * The treemap's tooltip: `path: value`, the region's path below the viewer's own region (the tree's root), since
 * every village has a 第一网格 (`雅璜村 / 第一网格: 3`). ECharts puts a function formatter's result in the page as
 * HTML, and region names are typed by admins — so the names are escaped (a grid named `<img onerror=…>` shows as text).
 */
export function treemapTooltip(params: unknown): string {
  const d = params as { name?: unknown; value?: unknown; treePathInfo?: { name?: unknown }[] }
  const names = d.treePathInfo?.map((p) => String(p.name ?? '')) ?? []
  const label = names.length > 1 ? belowRoot(names) : String(d.name ?? '')
  return `${escapeHtml(label)}: ${escapeHtml(d.value)}`
}

/** HH:mm:ss and a long date in the given locale (the cockpit clock). */
export function formatClock(date: Date, locale: string): { time: string; date: string } {
  const time = date.toLocaleTimeString(locale === 'en' ? 'en-GB' : 'zh-CN', { hour12: false })
  const day = date.toLocaleDateString(locale === 'en' ? 'en-GB' : 'zh-CN', {
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
