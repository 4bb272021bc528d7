import type { Module } from '../../context.ts'
import { diaryRoutes } from './diary.routes.ts'
import { DiaryService } from './diary.service.ts'

export const diaryModule: Module = {
  name: 'diary',
  register(app, ctx, { regions, archiveLookups }) {
    const service = new DiaryService(ctx.db, regions, ctx.storage, ctx.bus, archiveLookups)
    diaryRoutes(app, service)
    // Once a day, cadres behind on their visit quotas are reminded (the event reaches them through the
    // notifications module). One run per day and county, whichever process gets there first.
    ctx.scheduler.register({
      name: 'visits.remind',
      everyMs: 3600_000,
      runKey: (now) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
      async run({ db }) {
        const counties = await db.selectFrom('regions').select('code').where('level', '=', 'county').execute()
        for (const c of counties) await service.remindBehind(c.code)
      },
    })
  },
}
