// Route schemas compiled on first use. Fastify compiles every route's validators (Ajv) and response serializers
// (fast-json-stringify) while the server starts: with ~400 routes that was ~1 s of a cold start and tens of MB of
// generated code for routes a given server may never answer. Here each route's schema part is compiled the first
// time a request needs it (a few ms once), and kept. `compileAllSchemas` compiles them all at once: tests call it
// so a broken schema still fails the suite, not a user's first request. A serving process warms them up in the
// background once it listens (`warmSchemas`), a few at a time between requests.
import type { FastifyInstance } from 'fastify'
import type { FastifyValidationResult } from 'fastify/types/schema.js'
import fastJsonStringify from 'fast-json-stringify'

type Validator = FastifyValidationResult

const pending = new WeakMap<FastifyInstance, (() => unknown)[]>()

/** A function compiled by `build` when first called; `props` are read through to the compiled function. */
function lazily<F extends (...args: never[]) => unknown>(build: () => F, props: string[], queue: (() => unknown)[]): F {
  let fn: F | undefined
  const get = () => (fn ??= build())
  const wrapper = ((...args: Parameters<F>) => get()(...args)) as F
  // Fastify reads `errors` after a failed check and `schemaEnv` to hand Ajv the parent (for root coercion).
  for (const p of props) Object.defineProperty(wrapper, p, { get: () => (get() as unknown as Record<string, unknown>)[p] })
  queue.push(get)
  return wrapper
}

interface ValidatorRoute {
  schema: unknown
  httpPart?: string
  method: string
  url: string
}

/** Install lazy validator and serializer compilers; `compile` is the app's Ajv choice for a schema part. */
export function installLazySchemas(app: FastifyInstance, compile: (route: ValidatorRoute) => Validator) {
  const queue: (() => unknown)[] = []
  pending.set(app, queue)
  app.setValidatorCompiler((route) => lazily(() => compile(route as ValidatorRoute), ['errors', 'schemaEnv'], queue))
  app.setSerializerCompiler(({ schema }) => lazily(() => fastJsonStringify(schema as Parameters<typeof fastJsonStringify>[0]) as (data: unknown) => string, [], queue))
}

/** Compile every route's schemas now (after `app.ready()`); throws the first schema that does not compile. */
export function compileAllSchemas(app: FastifyInstance): number {
  const queue = pending.get(app) ?? []
  for (const get of queue) get()
  return queue.length
}

/**
 * Compile every route's schemas in the background, `perTurn` at a time with the event loop free between turns
 * (requests go first). Resolves with the count and the time taken; a schema that does not compile is left for
 * its first request to report (as a 500 with the error logged) and counted in `failed`.
 */
export async function warmSchemas(app: FastifyInstance, perTurn = 8): Promise<{ compiled: number; failed: number; ms: number }> {
  const queue = pending.get(app) ?? []
  const started = performance.now()
  let failed = 0
  for (let i = 0; i < queue.length; i += perTurn) {
    await new Promise((r) => setImmediate(r))
    for (const get of queue.slice(i, i + perTurn)) {
      try {
        get()
      } catch {
        failed++
      }
    }
  }
  return { compiled: queue.length - failed, failed, ms: Math.round(performance.now() - started) }
}
