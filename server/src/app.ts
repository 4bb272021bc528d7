import fastifyCookie from '@fastify/cookie'
import fastifyMultipart from '@fastify/multipart'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import AjvModule from 'ajv'
import addFormatsModule from 'ajv-formats'
import Fastify from 'fastify'
import type { AppContext, Module } from './context.ts'
import { installAuth } from './platform/auth.ts'
import { SessionCache } from './platform/session-cache.ts'
import { installErrorHandling, routerErrorHandler } from './platform/errors.ts'
import { boundIntegers, installTextGuard } from './platform/validation.ts'
import { installSecurityHeaders } from './platform/security-headers.ts'
import { tileOrigins } from './platform/map-tiles.ts'
import { redactingLogger } from './platform/log-redaction.ts'
import { installRequestLog, quietLogController } from './platform/request-log.ts'
import { serveWebApp } from './platform/static.ts'
import { modules as allModules } from './modules/index.ts'
import { buildServices, type Services } from './services.ts'
import { installLazySchemas } from './platform/schema-compilers.ts'

const Ajv = (AjvModule as any).default ?? AjvModule
const addFormats = (addFormatsModule as any).default ?? addFormatsModule

function makeAjv(coerce: boolean) {
  // Bodies are checked strictly: no type coercion, unknown fields refused (schemas say additionalProperties
  // false). Query strings and params arrive as text, so those coerce.
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
    // strict: false would also let Infinity and NaN through as numbers (JSON's 1e400 parses to Infinity).
    strictNumbers: true,
  })
  addFormats(ajv, { mode: 'full' })
  return ajv
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's shared services (services.ts), built once. */
    services: Services
  }
}

export interface BuildOptions {
  /** Serve the built web app from config.webDist (the real server does; API tests need not). */
  serveWeb?: boolean
  modules?: Module[]
  logger?: boolean | object
}

export async function buildApp(ctx: AppContext, opts: BuildOptions = {}) {
  const app = Fastify({
    // Request URLs are logged with ID numbers, phones and API keys masked (platform/log-redaction.ts).
    logger: redactingLogger((opts.logger ?? { level: ctx.config.logLevel }) as boolean | Record<string, unknown>),
    // No line per request at info: errors, slow requests and a periodic summary instead (platform/request-log.ts).
    logController: quietLogController(),
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: ctx.config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    // Bad URL encoding and over-long path parameters: answered in the JSON error shape, not Fastify's own.
    frameworkErrors: routerErrorHandler,
    ajv: undefined,
  }).withTypeProvider<TypeBoxTypeProvider>()

  const bodyAjv = makeAjv(false)
  const textAjv = makeAjv(true)
  // Integers without bounds get ±2^53 (platform/validation.ts): 1e308 in an id or offset is a 400.
  // Compiled on a route's first request, not at start (platform/schema-compilers.ts).
  installLazySchemas(app, ({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(boundIntegers(schema)))

  installErrorHandling(app)
  installRequestLog(app, { slowMs: ctx.config.slowRequestMs, summaryMs: ctx.config.logSummaryMs })
  // NUL and unpaired surrogates in any query, path parameter or body: 400 before any schema or handler.
  installTextGuard(app)
  // CSP, nosniff, frame and referrer policies on every response (pages, assets, API, docs, errors).
  installSecurityHeaders(app, { imgSrc: tileOrigins(ctx.config.mapTiles) })
  await app.register(fastifyCookie)
  // Uploads are streamed; a file over the limit is cut off and answered 413 (see platform/uploads.ts).
  await app.register(fastifyMultipart, { limits: { fileSize: ctx.config.uploadLimitBytes, files: 1, fields: 20, fieldSize: 64 * 1024 } })

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Minqing 民情 API', version: ctx.config.version, description: '民情日记 grassroots governance platform' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'mq_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } })

  const sessions = new SessionCache(ctx.config.sessionCacheMs)
  const unfollow = sessions.follow(ctx.bus)
  app.addHook('onClose', async () => unfollow())
  installAuth(app, ctx.db, ctx.config.sessionTtlHours, sessions)

  // The composition root: shared services built once and handed to every module (tests reach them as app.services).
  const services = buildServices(ctx, { debug: (m) => app.log.debug(m), warn: (m) => app.log.warn(m) })
  app.decorate('services', services)
  for (const mod of opts.modules ?? allModules) {
    await app.register(async (scoped) => mod.register(scoped as any, ctx, services))
  }

  // The built web app: precompressed files, immutable hashed assets, index.html for client routes.
  await serveWebApp(app, ctx.config.webDist, opts.serveWeb ?? false)

  return app
}
