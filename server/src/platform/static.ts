import { existsSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { errorBody } from './errors.ts'

/** Long enough that a client never asks again: the name changes whenever the content does. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Every use revalidates (ETag / Last-Modified answer a 304 when nothing changed). */
const REVALIDATE = 'no-cache'

/**
 * Vite's output names under assets/ end in a content hash (`index-DY6bQocQ.js`, `vendor-vant-IRX03yYn.css`), and the
 * precompressed copies add `.br` / `.gz`. Only those are cached for good; files copied from web/public keep their
 * own names and revalidate like index.html.
 */
const HASHED_ASSET = /^assets\/.+-[A-Za-z0-9_-]{8}\.[a-z0-9]+(\.br|\.gz)?$/

export function isHashedAsset(root: string, file: string): boolean {
  return HASHED_ASSET.test(relative(root, file).split(sep).join('/'))
}

/**
 * Serves the built web app (issue 12, defect 12):
 * - `preCompressed`: a request accepting brotli gets `x.js.br`, else gzip `x.js.gz`, else `x.js` itself, with
 *   Content-Encoding, the original file's Content-Type, the sent file's Content-Length and `Vary: Accept-Encoding`
 *   (the build writes the copies: web/vite.config.ts). A dist built before precompression is served as it is.
 * - hashed assets are immutable; index.html and anything else revalidates.
 * - every other GET that is not an API or file path is a client-side route: index.html.
 * HEAD and Range requests are @fastify/send's (a range counts bytes of the representation sent).
 */
export async function serveWebApp(app: FastifyInstance, webDist: string, enabled: boolean): Promise<boolean> {
  const serveWeb = enabled && existsSync(join(webDist, 'index.html'))
  if (serveWeb) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      preCompressed: true,
      setHeaders(reply, path) {
        reply.header('cache-control', isHashedAsset(webDist, path) ? IMMUTABLE : REVALIDATE)
      },
    })
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]
    const isAsset = /\.[a-z0-9]{1,8}$/i.test(path)
    const read = request.method === 'GET' || request.method === 'HEAD'
    if (path.startsWith('/api/') || path === '/api' || !serveWeb || !read || isAsset) {
      return reply.status(404).send(errorBody('ROUTE_NOT_FOUND', `没有这个接口: ${request.method} ${path}`))
    }
    // Single-page app: every other GET (or HEAD) is a client-side route.
    return reply.type('text/html').sendFile('index.html', { maxAge: 0 })
  })
  return serveWeb
}
