import { CockpitConfigSchema, CockpitStreamQuery, type CockpitConfig } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { MapTiles } from '../../platform/map-tiles.ts'
import type { CockpitFeed } from './cockpit-feed.ts'
import type { CockpitService } from './cockpit.service.ts'

/** How often an idle stream sends a comment, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 20_000

/** The wall screen's map settings and its live stream (the numbers are the stats module's /api/cockpit/summary). */
export function cockpitRoutes(app: App, service: CockpitService, feed: CockpitFeed, tiles: MapTiles | undefined) {
  const tags = ['cockpit']
  const config: CockpitConfig = { tiles: tiles ?? null }
  app.get(
    '/api/cockpit/config',
    { schema: { tags, summary: 'The cockpit map’s tile source (null: points on a plain background)', response: { 200: CockpitConfigSchema, ...errorResponses } } },
    async (req) => {
      actorOf(req)
      return config
    },
  )

  app.get(
    '/api/cockpit/stream',
    {
      schema: {
        tags,
        summary: 'Live cockpit (Server-Sent Events): `changed` within ~0.5 s of a case event in the region; refetch the summary',
        querystring: CockpitStreamQuery,
        response: errorResponses,
      },
    },
    async (req, reply) => {
      // Every refusal (401, 403, 404) is answered in JSON before the stream opens.
      const regionPath = await service.streamPath(actorOf(req), req.query.regionCode)
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' })
      res.write(`retry: 3000\n\nevent: ready\ndata: {}\n\n`)
      const stop = feed.watch(
        regionPath,
        () => res.write(`event: changed\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`),
        () => res.end(),
      )
      const ping = setInterval(() => res.write(`: ping\n\n`), HEARTBEAT_MS)
      const end = () => {
        clearInterval(ping)
        stop()
      }
      req.raw.on('close', end)
      res.on('close', end)
    },
  )
}
