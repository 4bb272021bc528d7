import type { Module } from '../../context.ts'
import { teamRoutes } from './teams.routes.ts'

/** 志愿队伍 and 轮值接访 (issue 15). The service is built in the composition root (tasks and activities use it). */
export const volunteerTeamsModule: Module = {
  name: 'volunteer-teams',
  register(app, _ctx, { teams }) {
    teamRoutes(app, teams)
  },
}
