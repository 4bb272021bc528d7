import type { Module } from '../../context.ts'
import { meetingRoutes } from './meetings.routes.ts'

/** 民情分析会 / 民情月商会 / 议事会 meetings and their decisions (issue 16). The service is built in the composition root. */
export const meetingsModule: Module = {
  name: 'meetings',
  register(app, _ctx, { meetings }) {
    meetingRoutes(app, meetings)
  },
}
