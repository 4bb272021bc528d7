// Cold start of `minqing serve` on an existing PGlite data folder, against a same-run baseline: opening that
// same folder with bare PGlite and running `select 1`. The ratio says what the server adds on top of the
// embedded database (the machines are shared and noisy; read the ratio, not the seconds).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT_DIR } from '../server/src/config.ts'
import { ensureServerBuilt } from '../scripts/server-build.mjs'

const RUNS = Number(process.env.BENCH_RUNS || 5)
const dataDir = mkdtempSync(join(tmpdir(), 'minqing-bench-startup-'))
// The server as `npm start` runs it: the bundle (scripts/server-build.mjs), in a folder of the checkout.
mkdirSync(join(ROOT_DIR, 'server/dist'), { recursive: true })
const serverDist = mkdtempSync(join(ROOT_DIR, 'server/dist/bench-'))
const bundle = fileURLToPath(await ensureServerBuilt({ dist: serverDist }))

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

async function serveOnce(): Promise<{ ms: number; rssMb: number }> {
  const port = await freePort()
  const t0 = performance.now()
  const child = spawn(process.execPath, ['--enable-source-maps', bundle, 'serve'], {
    cwd: ROOT_DIR,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '' },
    stdio: 'ignore',
  })
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  const ms = performance.now() - t0
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  return { ms, rssMb }
}

async function bareOnce(): Promise<number> {
  const t0 = performance.now()
  const script = `
    import { PGlite } from '@electric-sql/pglite'
    const pg = new PGlite(${JSON.stringify(join(dataDir, 'pglite'))}, { postgresqlconf: ['shared_buffers = 32MB'] })
    await pg.query('select 1'); await pg.close()`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT_DIR, stdio: 'inherit' })
  await new Promise((r) => child.once('exit', r))
  return performance.now() - t0
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

await serveOnce() // first start: migrate + demo seed, not measured
const serve: number[] = []
const rss: number[] = []
const bare: number[] = []
for (let i = 0; i < RUNS; i++) {
  bare.push(await bareOnce())
  const s = await serveOnce()
  serve.push(s.ms)
  rss.push(s.rssMb)
}
rmSync(dataDir, { recursive: true, force: true })
rmSync(serverDist, { recursive: true, force: true })
const m = median(serve)
const b = median(bare)
console.log(`cold start to ready /api/health (median of ${RUNS}): ${m.toFixed(0)} ms   [goal < 5000 ms]`)
console.log(`baseline: bare PGlite open + select 1 on the same folder:  ${b.toFixed(0)} ms`)
console.log(`ratio serve / bare PGlite: ${(m / b).toFixed(2)}×`)
console.log(`RSS when ready (median): ${median(rss).toFixed(0)} MB   [goal < 400 MB]`)
