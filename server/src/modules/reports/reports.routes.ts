import { WeeklyReportQuery, WeeklyReportSchema } from '@minqing/common'
import type { FastifyReply } from 'fastify'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import { weeklyReportHtml, weeklyReportXlsx } from './reports.render.ts'
import type { ReportsService } from './reports.service.ts'

export function reportRoutes(app: App, service: ReportsService) {
  app.get(
    '/api/reports/weekly',
    {
      schema: {
        tags: ['reports'],
        summary:
          '民情分析会 weekly report of a town or the county (default: the caller’s region) for an ISO week (default: the last finished one): every figure from the stats module; format=json|xlsx|html (A4 print). A finished week is stored and served as stored. 400 INVALID_WEEK, 400 INVALID_REGION_LEVEL, 404 outside the caller’s area (stats.read)',
        querystring: WeeklyReportQuery,
        response: { 200: WeeklyReportSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const report = await service.weekly(actorOf(req), req.query)
      const name = `民情分析会-${report.region.name}-${report.week}`
      // XLSX and HTML go out as they are (a Buffer or a string is never run through the JSON schema's serializer).
      const raw = reply as FastifyReply
      if (req.query.format === 'xlsx')
        return raw
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="weekly-report.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}.xlsx`)
          .header('cache-control', 'private, no-store')
          .send(await weeklyReportXlsx(report))
      if (req.query.format === 'html') return raw.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'private, no-store').send(weeklyReportHtml(report))
      return report
    },
  )
}
