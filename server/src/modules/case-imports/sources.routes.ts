import { CaseSourceListSchema, CaseSourceParams, CaseSourceSchema, CreateCaseSourceBody, UpdateCaseSourceBody } from '@minqing/common'
import type { App } from '../../context.ts'
import { actorOf } from '../../platform/auth.ts'
import { errorResponses } from '../../platform/errors.ts'
import type { SourcesService } from './sources.service.ts'

const tags = ['case-imports']

export function sourceRoutes(app: App, service: SourcesService) {
  app.get(
    '/api/case-sources',
    {
      schema: {
        tags,
        summary: 'Platforms cases are imported from or pushed by, with their column mappings (cases.import or intake.manage)',
        response: { 200: CaseSourceListSchema, ...errorResponses },
      },
    },
    async (req) => service.list(actorOf(req)),
  )
  app.get('/api/case-sources/:code', { schema: { tags, summary: 'One source', params: CaseSourceParams, response: { 200: CaseSourceSchema, ...errorResponses } } }, async (req) =>
    service.get(actorOf(req), req.params.code),
  )
  app.post('/api/case-sources', { schema: { tags, summary: 'Add a source (intake.manage)', body: CreateCaseSourceBody, response: { 201: CaseSourceSchema, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await service.create(actorOf(req), req.body, req.ip)),
  )
  app.patch(
    '/api/case-sources/:code',
    {
      schema: {
        tags,
        summary: 'Change a source: name, column mapping, status map, default region (intake.manage)',
        params: CaseSourceParams,
        body: UpdateCaseSourceBody,
        response: { 200: CaseSourceSchema, ...errorResponses },
      },
    },
    async (req) => service.update(actorOf(req), req.params.code, req.body, req.ip),
  )
}
