/**
 * A region as a reader outside it needs it. Every village has a 第一网格, so a region's own name says nothing
 * outside its village: screens show the path from the viewer's own level down — a town handler reads
 * "雅璜村 / 第一网格", a county user "石璜镇 / 雅璜村 / 第一网格", a village cadre "第一网格".
 */
export interface RegionStep {
  code: string
  name: string
}

/**
 * `path`: the region and its ancestors from the county down (a case's `regionPath`). The steps at and above the
 * viewer's own region are left out; a region outside the viewer's area (a case dispatched to their unit from
 * elsewhere) shows its whole path from the county. Never empty: at least the region's own name, and
 * `fallbackName` when no path is known.
 */
export function regionPathLabel(path: readonly RegionStep[] | null | undefined, viewerRegionCode: string | null | undefined, fallbackName = ''): string {
  if (!path?.length) return fallbackName
  const own = viewerRegionCode ? path.findIndex((r) => r.code === viewerRegionCode) : -1
  const below = own >= 0 ? path.slice(own + 1) : path
  return (below.length ? below : path.slice(-1)).map((r) => r.name).join(' / ')
}

/**
 * The same for a path of names whose root is the viewer's own region (an ECharts tree's `treePathInfo`):
 * the root left out, at least the last name kept.
 */
export function belowRoot(names: readonly string[]): string {
  const below = names.slice(1)
  return (below.length ? below : names.slice(-1)).join(' / ')
}
