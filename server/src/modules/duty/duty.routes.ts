import { DutyDayParams, DutyRosterQuery, DutyRosterSchema, SetDutyDayBody } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { DutyService } from './duty.service.ts'

const tags = ['duty']

export function dutyRoutes(app: App, service: DutyService) {
  app.get(
    '/api/duty/roster',
    {
      schema: {
        tags,
        summary: 'The county’s 值班 roster for some days (the leaders stand in on days nobody is rostered)',
        querystring: DutyRosterQuery,
        response: { 200: DutyRosterSchema, ...errorResponses },
      },
    },
    async (req) => service.roster(actorOf(req), req.query),
  )
  app.put(
    '/api/duty/roster/:day',
    { schema: { tags, summary: 'Set one day’s duty officers (county admins and leaders)', params: DutyDayParams, body: SetDutyDayBody, response: { 200: DutyRosterSchema, ...errorResponses } } },
    async (req) => service.setDay(actorOf(req), req.params.day, req.body, req.ip),
  )
}
