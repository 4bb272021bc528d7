// Builds the web app when its sources changed since the last build (content hash, so a fresh clone, a
// pull or an edit all rebuild, and an unchanged tree starts at once).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT, sourceHash as hashOf } from './source-hash.mjs'

export { ROOT }
// WEB_DIST lets two checkouts' test runs (or a helper's) build and serve their own copy side by side.
const DIST = process.env.WEB_DIST ? resolve(process.env.WEB_DIST) : join(ROOT, 'web/dist')
const STAMP = join(DIST, '.source-hash')
// This script too: a changed build recipe (flags, environment) rebuilds.
const INPUTS = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/package.json', 'common/src', 'package-lock.json', 'scripts/web-build.mjs']

const sourceHash = () => hashOf(INPUTS)

export function webIsCurrent() {
  return existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash()
}

/** Build web/dist unless it matches the sources. Returns true when a build ran. */
export function ensureWebBuilt({ force = false, log = console.log } = {}) {
  if (!force && webIsCurrent()) return false
  log('Building the web app (first start or sources changed) — this takes a minute on two cores…')
  const started = Date.now()
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js')
  // Always a production build: started from a test run (NODE_ENV=test) or a development shell, Vite would otherwise
  // bundle Vue's development build (+68 KB of JS on every phone's first load, warnings and devtools hooks included).
  const env = { ...process.env, NODE_ENV: 'production' }
  const res = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', DIST, '--emptyOutDir'], { cwd: join(ROOT, 'web'), stdio: 'inherit', env })
  if (res.status !== 0) throw new Error(`web build failed (exit ${res.status})`)
  writeFileSync(STAMP, sourceHash() + '\n')
  log(`Web app built in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
  return true
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureWebBuilt({ force: process.argv.includes('--force') })
}
