import type { Module } from '../../context.ts'
import { importRunnerOf, importsServiceOf } from '../imports/index.ts'
import { IMPORT_MAX_BYTES } from '../imports/imports.service.ts'
import { caseImportKind } from './case-imports.kind.ts'
import { caseImportRoutes } from './case-imports.routes.ts'
import { CaseImportsService } from './case-imports.service.ts'
import { PushService } from './push.service.ts'
import { pushRoutes } from './push.routes.ts'
import { SimilarService } from './similar.service.ts'
import { similarRoutes } from './similar.routes.ts'
import { sourceRoutes } from './sources.routes.ts'
import { SourcesService } from './sources.service.ts'

/**
 * Cases from other platforms: their sources and column mappings, imports of their exports (a kind of job of
 * the imports module's runner), the push API for platforms that can call us, and similar open cases on the
 * way in. Registered after the imports and cases modules, whose runner and engine it uses.
 */
function createCaseImportsModule(opts: { maxBytes?: number } = {}): Module {
  return {
    name: 'case-imports',
    register(app, ctx, { cases: engine }) {
      const runner = importRunnerOf(ctx)
      const imports = importsServiceOf(ctx)
      if (!runner || !imports) throw new Error('the case-imports module needs the imports module registered before it')
      const sources = new SourcesService(ctx.db)
      runner.register(caseImportKind(engine))
      sourceRoutes(app, sources)
      caseImportRoutes(app, new CaseImportsService(imports, sources), opts.maxBytes ?? IMPORT_MAX_BYTES)
      pushRoutes(app, new PushService(ctx.db, engine, sources))
      similarRoutes(app, new SimilarService(ctx.db, engine))
    },
  }
}

export const caseImportsModule = createCaseImportsModule()
