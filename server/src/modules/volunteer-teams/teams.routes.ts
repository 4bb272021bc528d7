import {
  CreateTeamBody,
  DutyListSchema,
  DutyQuery,
  IdParams,
  OkSchema,
  PutRotaBody,
  RotaExceptionBody,
  RotaExceptionParams,
  RotaSchema,
  TeamCandidatesQuery,
  TeamCandidatesSchema,
  TeamListQuery,
  TeamListSchema,
  TeamSchema,
  UpdateTeamBody,
} from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { TeamsService } from './teams.service.ts'

/** 志愿队伍 (teams of a grid or community), members, and the 轮值接访 rota. */
export function teamRoutes(app: App, service: TeamsService) {
  const tags = ['teams']
  app.get(
    '/api/teams',
    {
      schema: {
        tags,
        summary: 'Teams: staff those of their area (or of regionCode); a volunteer (or mine=true) the teams they belong to',
        querystring: TeamListQuery,
        response: { 200: TeamListSchema, ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req), req.query),
  )
  app.post(
    '/api/teams',
    {
      schema: {
        tags,
        summary: 'New team in the caller’s area (tasks.publish); members must be volunteers residing in its region (400 MEMBER_NOT_ELIGIBLE), the leader one of them',
        body: CreateTeamBody,
        response: { 201: TeamSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.create(actorOf(req), req.body)),
  )
  app.get(
    '/api/teams/candidates',
    {
      schema: {
        tags,
        summary: 'Volunteers who may join a team of the region (residing in its subtree); tasks.publish',
        querystring: TeamCandidatesQuery,
        response: { 200: TeamCandidatesSchema, ...errorResponses },
      },
    },
    async (req) => service.candidates(actorOf(req), req.query),
  )
  app.get('/api/teams/:id', { schema: { tags, summary: 'One team (staff of its area, or a member; else 404)', params: IdParams, response: { 200: TeamSchema, ...errorResponses } } }, async (req) =>
    service.get(actorOf(req), req.params.id),
  )
  app.patch(
    '/api/teams/:id',
    { schema: { tags, summary: 'Change a team: name, kind, description, members (replaced), leader', params: IdParams, body: UpdateTeamBody, response: { 200: TeamSchema, ...errorResponses } } },
    async (req) => service.update(actorOf(req), req.params.id, req.body),
  )
  app.delete(
    '/api/teams/:id',
    { schema: { tags, summary: 'Disband a team (kept for the ledger’s history, no longer listed)', params: IdParams, response: { 200: OkSchema, ...errorResponses } } },
    async (req) => service.remove(actorOf(req), req.params.id),
  )
  app.get(
    '/api/teams/:id/rota',
    { schema: { tags, summary: 'The team’s weekly duty slots and its dated exceptions', params: IdParams, response: { 200: RotaSchema, ...errorResponses } } },
    async (req) => service.rota(actorOf(req), req.params.id),
  )
  app.put(
    '/api/teams/:id/rota',
    {
      schema: {
        tags,
        summary: 'Replace the weekly slots (weekday 1–7, HH:MM–HH:MM, place, the member on duty)',
        params: IdParams,
        body: PutRotaBody,
        response: { 200: RotaSchema, ...errorResponses },
      },
    },
    async (req) => service.putRota(actorOf(req), req.params.id, req.body),
  )
  app.post(
    '/api/teams/:id/rota/exceptions',
    {
      schema: {
        tags,
        summary: 'A dated exception: cancel or change one slot on a date (slotId), or an extra duty (start, end)',
        params: IdParams,
        body: RotaExceptionBody,
        response: { 201: RotaSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await service.addException(actorOf(req), req.params.id, req.body)),
  )
  app.delete(
    '/api/teams/:id/rota/exceptions/:exceptionId',
    { schema: { tags, summary: 'Remove a dated exception', params: RotaExceptionParams, response: { 200: RotaSchema, ...errorResponses } } },
    async (req) => service.deleteException(actorOf(req), req.params.id, req.params.exceptionId),
  )
  app.get(
    '/api/teams/duty',
    {
      schema: {
        tags,
        summary: 'Who is on duty on a date (date) or from–to (≤ 31 days; default this week), over the teams the caller reads',
        querystring: DutyQuery,
        response: { 200: DutyListSchema, ...errorResponses },
      },
    },
    async (req) => service.duty(actorOf(req), req.query),
  )
}
