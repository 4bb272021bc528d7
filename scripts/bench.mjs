// `npm run bench [name…]`: run the benchmarks in bench/ (each prints its figures beside a same-run baseline).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './web-build.mjs'

const wanted = process.argv.slice(2)
const files = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort()
let failed = 0
for (const f of files) {
  console.log(`\n=== bench/${f}`)
  const res = spawnSync(process.execPath, ['--import', 'tsx', join('bench', f)], { cwd: ROOT, stdio: 'inherit' })
  if (res.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
