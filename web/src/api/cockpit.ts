import type { CockpitConfig, CockpitSummary } from '@minqing/common'
import { api, API_BASE } from './client.ts'

/** The 民情大脑 cockpit: its numbers (the stats module's summary), its map settings and its live stream. */
export const cockpitApi = {
  summary: (regionCode?: string | null) => api.get<CockpitSummary>('/cockpit/summary', regionCode ? { regionCode } : undefined),
  config: () => api.get<CockpitConfig>('/cockpit/config'),
  /** Server-Sent Events: `changed` within ~0.5 s of a case event in the region (the session cookie goes along). */
  streamUrl: (regionCode?: string | null) => `${API_BASE}/cockpit/stream${regionCode ? `?regionCode=${encodeURIComponent(regionCode)}` : ''}`,
}
