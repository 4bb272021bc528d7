import Type from 'typebox'
import { Nullable } from './schemas.ts'

// The 民情大脑 cockpit's own routes besides its numbers (GET /api/cockpit/summary lives in stats.ts).

/** GET /api/cockpit/config: what the wall screen needs to draw its map. `tiles` null: points on a plain background. */
export const CockpitConfigSchema = Type.Object({
  tiles: Nullable(
    Type.Object({
      url: Type.String({ description: 'Leaflet URL template ({s}, {z}, {x}, {y})' }),
      labelUrl: Nullable(Type.String({ description: 'an annotation layer drawn over the tiles (天地图 cva)' })),
      subdomains: Type.String(),
      attribution: Type.String(),
      maxZoom: Type.Integer(),
    }),
  ),
})
export type CockpitConfig = Type.Static<typeof CockpitConfigSchema>

/** GET /api/cockpit/stream?regionCode=: Server-Sent Events. */
export const CockpitStreamQuery = Type.Object(
  { regionCode: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: 'default: the caller’s own region' })) },
  { additionalProperties: false },
)
/**
 * Event names on the stream: `ready` once connected, `changed` (data `{ at }`) within ~0.5 s of a case event in the
 * region's subtree (debounced: one `changed` for a burst), then refetch GET /api/cockpit/summary. Comments (`: ping`)
 * keep proxies from closing an idle stream.
 */
export const COCKPIT_STREAM_EVENTS = ['ready', 'changed'] as const
