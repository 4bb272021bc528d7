// Bundles the server's TypeScript (server/src + common/src) into one ES module for `npm start`, when its sources
// changed since the last bundle. Running the bundle instead of the sources through tsx's loader halves the module
// loading of a cold start and leaves out the loader's own thread (measured: 1.7 s → 0.9 s and ~85 MB less RSS to
// import the dependencies). Packages stay external: node_modules is resolved at run time as before.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ROOT, sourceHash } from './source-hash.mjs'

// SERVER_DIST (or `dist`) lets a test bundle into a folder of its own: inside the checkout, since the bundle's
// imports of packages resolve from its own folder up to the checkout's node_modules.
const DEFAULT_DIST = process.env.SERVER_DIST ? resolve(process.env.SERVER_DIST) : join(ROOT, 'server/dist')
const INPUTS = ['server/src', 'common/src', 'server/package.json', 'package-lock.json', 'scripts/server-build.mjs']

/** The packages the server imports at run time (left out of the bundle); the workspace's own common is bundled. */
function externals() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'server/package.json'), 'utf8'))
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => name !== '@minqing/common')
}

/** Bundle unless the stamp matches the sources. Returns the bundle's file URL. */
export async function ensureServerBuilt({ force = false, log = console.log, dist = DEFAULT_DIST } = {}) {
  const OUT = join(dist, 'main.mjs')
  const STAMP = join(dist, '.source-hash')
  // The checkout's path is part of the stamp: a moved checkout rebuilds (the bundle holds the path, see define).
  const hash = `${sourceHash(INPUTS)} ${ROOT}`
  if (!force && existsSync(OUT) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash) return pathToFileURL(OUT).href
  const started = Date.now()
  const { build } = await import('esbuild')
  mkdirSync(dist, { recursive: true })
  // Written beside, then renamed: a second process starting at the same moment never imports half a file.
  const tmp = join(dist, `main.${process.pid}.mjs`)
  await build({
    entryPoints: [join(ROOT, 'server/src/main.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: externals(),
    // The sources find the repository root and node_modules from their own URL (server/src/config.ts): in the
    // bundle that URL stays the source file's, wherever the bundle is written.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'server/src/config.ts')).href) },
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  })
  renameSync(`${tmp}.map`, `${OUT}.map`)
  writeFileSync(tmp, readFileSync(tmp, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=main.mjs.map'))
  renameSync(tmp, OUT)
  writeFileSync(STAMP, hash + '\n')
  log(`Server bundled in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
  return pathToFileURL(OUT).href
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureServerBuilt({ force: process.argv.includes('--force') })
}
