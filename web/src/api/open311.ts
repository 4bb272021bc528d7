/** Open311 API keys (console). Types come from @minqing/common (type-only: the web never loads TypeBox). */
import type { CreateOpen311Key, Open311Key, Open311KeyCreated } from '@minqing/common'
import { api } from './client.ts'

export const open311KeysApi = {
  list: () => api.get<Open311Key[]>('/open311/keys'),
  /** The answer holds the key itself: the only time it is ever shown. */
  create: (body: CreateOpen311Key) => api.post<Open311KeyCreated>('/open311/keys', body),
  revoke: (id: string) => api.del<Open311Key>(`/open311/keys/${encodeURIComponent(id)}`),
}

/** Where Open311 clients find us (the discovery document names the endpoint and formats). */
export const OPEN311_BASE = '/open311/v2'
export const OPEN311_DISCOVERY = `${OPEN311_BASE}/discovery.json`
