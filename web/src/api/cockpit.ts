import type { CockpitConfig } from '@minqing/common'
import { api, API_BASE } from './client.ts'

/** The 民情大脑 cockpit: its map settings and its live stream (its numbers: statsApi.cockpit, the stats module's route). */
export const cockpitApi = {
  config: () => api.get<CockpitConfig>('/cockpit/config'),
  /** Server-Sent Events: `changed` within ~0.5 s of a case event in the region (the session cookie goes along). */
  streamUrl: (regionCode?: string | null) => `${API_BASE}/cockpit/stream${regionCode ? `?regionCode=${encodeURIComponent(regionCode)}` : ''}`,
}
