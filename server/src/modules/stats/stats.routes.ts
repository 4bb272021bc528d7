import { CaseStatsQuery, CaseStatsSchema, CockpitQuery, CockpitSummarySchema, VisitStatsQuery, VisitStatsSchema } from '@minqing/common'
import type { FastifyReply } from 'fastify'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { StatsService } from './stats.service.ts'
import { caseStatsXlsx } from './stats.xlsx.ts'

const tags = ['stats']

export function statsRoutes(app: App, service: StatsService) {
  app.get(
    '/api/stats/cases',
    {
      schema: {
        tags,
        summary: 'Case figures of a region subtree by region (its children), category, unit, day, week, month, year or raised level; the cohort of cases received from..to, with formulas (stats.read)',
        querystring: CaseStatsQuery,
        response: { 200: CaseStatsSchema, ...errorResponses },
      },
    },
    async (req) => service.cases(actorOf(req), req.query),
  )

  app.get(
    '/api/stats/cases.xlsx',
    {
      schema: {
        tags,
        summary: 'The same figures as GET /api/stats/cases as an XLSX sheet with Chinese headers (stats.read)',
        querystring: CaseStatsQuery,
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      const stats = await service.cases(actorOf(req), req.query)
      const file = await caseStatsXlsx(stats)
      const filename = `统计-${stats.region.name}-${stats.from}-${stats.to}.xlsx`
      return sendXlsx(reply, file, filename)
    },
  )

  app.get(
    '/api/stats/visits',
    {
      schema: {
        tags,
        summary: 'Diary figures (entries, visits, households visited, coverage against the visit quota) per child region (stats.read)',
        querystring: VisitStatsQuery,
        response: { 200: VisitStatsSchema, ...errorResponses },
      },
    },
    async (req) => service.visits(actorOf(req), req.query),
  )

  app.get(
    '/api/cockpit/summary',
    {
      schema: {
        tags: ['cockpit'],
        summary: 'The cockpit’s numbers for a region: totals, now-counts, rates, ranking of its children, categories, trend, feed, points, visits (stats.read)',
        querystring: CockpitQuery,
        response: { 200: CockpitSummarySchema, ...errorResponses },
      },
    },
    async (req) => service.cockpit(actorOf(req), req.query),
  )
}

function sendXlsx(reply: FastifyReply, file: Buffer, filename: string) {
  return reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="stats.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('cache-control', 'private, no-store')
    .send(file)
}
