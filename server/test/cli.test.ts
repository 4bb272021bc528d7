import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT_DIR } from '../src/config.ts'
import { testDbKind } from './db.ts'

// The real `serve` command on a PGlite data folder, as `npm start` runs it (the server bundle, scripts/start.mjs):
// first start migrates and loads the demo, a restart keeps the data. Runs once (in the PGlite project): it is about
// the embedded database.
const dataDir = mkdtempSync(join(tmpdir(), 'minqing-cli-'))
// Inside the checkout (gitignored): the bundle resolves its packages from the checkout's node_modules.
mkdirSync(join(ROOT_DIR, 'server/dist'), { recursive: true })
const serverDist = mkdtempSync(join(ROOT_DIR, 'server/dist/cli-test-'))
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(serverDist, { recursive: true, force: true })
})
let bundle: string | undefined

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

async function startServer() {
  if (!bundle) {
    const { ensureServerBuilt } = await import('../../scripts/server-build.mjs')
    bundle = fileURLToPath(await ensureServerBuilt({ log: () => {}, dist: serverDist }))
  }
  const port = await freePort()
  const started = Date.now()
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', bundle, 'serve'], {
    cwd: ROOT_DIR,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WEB_DIST: join(dataDir, 'no-web'), LOG_LEVEL: 'warn', NODE_ENV: 'development', DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`)
    try {
      if ((await fetch(`${url}/api/health`)).ok) break
    } catch {
      /* starting */
    }
    if (Date.now() - started > 60_000) throw new Error(`not ready after 60 s:\n${output}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const readyMs = Date.now() - started
  const rssNow = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024
  const rssMb = rssNow()
  const stop = async () => {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
  return { url, readyMs, rssMb, rssNow, output: () => output, stop }
}

async function login(url: string, phone: string) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, password: 'minqing-demo' }) })
  return (await res.json()).token as string
}

describe.runIf(testDbKind() === 'pglite')('minqing serve on PGlite', () => {
  it('first start seeds and prints the demo logins; a restart keeps the data', async () => {
    const first = await startServer()
    let gridCode: string
    try {
      expect(first.output()).toContain('13800000003')
      expect(first.output()).toContain('minqing-demo')
      const token = await login(first.url, '13800000000')
      const res = await fetch(`${first.url}/api/regions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ parentCode: '330683105212', name: '重启测试网格' }),
      })
      expect(res.status).toBe(201)
      gridCode = (await res.json()).code
    } finally {
      await first.stop()
    }

    const second = await startServer()
    try {
      const token = await login(second.url, '13800000003')
      const res = await fetch(`${second.url}/api/regions?parent=330683105212`, { headers: { authorization: `Bearer ${token}` } })
      const grids = (await res.json()) as { code: string; name: string }[]
      expect(grids.map((g) => g.code)).toContain(gridCode)
      expect(grids).toHaveLength(3) // two demo grids + ours: the demo was not loaded twice
      expect(second.output()).not.toContain('empty database')
      // Cold start on an existing data folder (issue goal: < 5 s to a ready /api/health, < 400 MB RSS).
      console.log(`cold start on existing ./data: ${second.readyMs} ms to ready /api/health, RSS ${second.rssMb.toFixed(0)} MB`)
      expect(second.rssMb).toBeLessThan(400)
      // Once the route schemas have warmed up in the background (main.ts) it stays under the goal.
      await new Promise((r) => setTimeout(r, 5000))
      console.log(`RSS 5 s after ready (route schemas warmed): ${second.rssNow().toFixed(0)} MB`)
      expect(second.rssNow()).toBeLessThan(400)
    } finally {
      await second.stop()
    }
  }, 120_000)
})
