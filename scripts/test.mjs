// `npm test`: every test in one Vitest run — server on PGlite (and on PostgreSQL when TEST_DATABASE_URL is
// set), web unit tests, and the browser tests in Debian's Chromium. Closes with a plain
// "N passed, N failed, N skipped" line.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './web-build.mjs'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const env = { ...process.env }
const ci = !!process.env.CI && process.env.CI !== 'false'

if (env.MINQING_E2E !== '0' && !existsSync(CHROMIUM)) {
  const bar = '!'.repeat(78)
  console.error(`\n${bar}\n!! Chromium is missing at ${CHROMIUM}: the BROWSER TESTS DID NOT RUN.\n!! Install it with: apt-get install -y chromium\n${bar}\n`)
  if (ci) {
    console.error('CI requires the browser tests; failing.')
    process.exit(1)
  }
  env.MINQING_E2E = '0'
}

console.log(
  `Test databases: PGlite${env.TEST_DATABASE_URL ? ` + PostgreSQL (${env.TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//')})` : ' only (set TEST_DATABASE_URL to add PostgreSQL)'}` +
    `; Redis tests: ${env.TEST_REDIS_URL ? 'on' : 'off (set TEST_REDIS_URL)'}; browser tests: ${env.MINQING_E2E === '0' ? 'off' : 'on'}`,
)

const out = mkdtempSync(join(tmpdir(), 'minqing-vitest-'))
const report = join(out, 'report.json')
const args = [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]
const res = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' })

let code = res.status ?? 1
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`)
  if (r.numTotalTests === 0) code = code || 1
} else {
  console.log('\n0 passed, 1 failed')
}
rmSync(out, { recursive: true, force: true })
process.exit(code)
