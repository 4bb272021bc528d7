import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Kysely } from 'kysely'
import type { Config } from './config.ts'
import type { Database } from './db/index.ts'
import type { DB } from './db/types.ts'
import type { EventBus } from './platform/events.ts'
import type { Scheduler } from './platform/jobs.ts'
import type { Storage } from './platform/storage.ts'
import type { Services } from './services.ts'

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>

/** What every module gets: the platform pieces, never another module's internals. */
export interface AppContext {
  config: Config
  database: Database
  db: Kysely<DB>
  bus: EventBus
  scheduler: Scheduler
  storage: Storage
}

/**
 * A module's manifest (modules/<name>/index.ts): its routes, jobs and event handlers. `services` are the shared
 * services, built once by the composition root (services.ts); a module never reaches into another's repository.
 */
export interface Module {
  name: string
  register(app: App, ctx: AppContext, services: Services): void | Promise<void>
}
