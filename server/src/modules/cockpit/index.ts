import type { Module } from '../../context.ts'
import { CockpitFeed } from './cockpit-feed.ts'
import { cockpitRoutes } from './cockpit.routes.ts'
import { CockpitService } from './cockpit.service.ts'

/** 驾驶舱: the wall screen's live stream and map settings (its figures come from the stats module). */
export const cockpitModule: Module = {
  name: 'cockpit',
  register(app, ctx, { regions }) {
    const feed = new CockpitFeed(ctx.db, ctx.bus, (err) => app.log.warn({ err }, 'cockpit feed'))
    // preClose: before the server waits for its connections to end, the open streams are ended.
    app.addHook('preClose', async () => feed.close())
    cockpitRoutes(app, new CockpitService(regions), feed, ctx.config.mapTiles)
  },
}
