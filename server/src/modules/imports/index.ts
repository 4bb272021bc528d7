import type { AppContext, Module } from '../../context.ts'
import { FieldCrypto } from '../../platform/crypto.ts'
import { importRoutes } from './imports.routes.ts'
import { ImportRunner } from './imports.runner.ts'
import { IMPORT_MAX_BYTES, ImportsService } from './imports.service.ts'

const runners = new WeakMap<AppContext, ImportRunner>()
const services = new WeakMap<AppContext, ImportsService>()

/** The background runner of a context's import jobs (tests and the benchmark wait on it; other modules register their kinds on it). */
export const importRunnerOf = (ctx: AppContext) => runners.get(ctx)
/** The import jobs' service, for modules that add a kind of import (registered after this module). */
export const importsServiceOf = (ctx: AppContext) => services.get(ctx)

/** `maxBytes` lets a test try the module's own size limit below the server-wide one. */
export function createImportsModule(opts: { maxBytes?: number } = {}): Module {
  return {
    name: 'imports',
    register(app, ctx) {
      const runner = new ImportRunner(ctx.database, ctx.storage, new FieldCrypto(ctx.config.secret), app.log)
      runners.set(ctx, runner)
      const service = new ImportsService(ctx.db, ctx.storage, runner)
      services.set(ctx, service)
      importRoutes(app, service, opts.maxBytes ?? IMPORT_MAX_BYTES)
      // Jobs a previous run left queued or running are resumed at start (imports are idempotent, and each
      // job restarts after its last committed chunk); every few minutes too, in case another server
      // process took a job and died.
      app.addHook('onReady', async () => {
        await runner.resumePending()
      })
      app.addHook('onClose', async () => {
        await runner.stop()
      })
      ctx.scheduler.register({
        name: 'imports.resume',
        everyMs: 5 * 60_000,
        run: () => runner.resumePending(),
      })
    },
  }
}

export const importsModule = createImportsModule()
